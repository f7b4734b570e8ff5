"""Redis adapters: sessions, rate limiting and progress fan-out shared by every process."""
