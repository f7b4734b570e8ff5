"""Local adapters: filesystem, in-process queue and progress, system clock."""
