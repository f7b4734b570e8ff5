"""Render: its REST API, and the deployment target built on it."""
