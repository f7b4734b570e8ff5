"""Deployment targets: a local server, Render, and an S3 bucket."""
