"""Object storage on S3-compatible servers (AWS S3, DigitalOcean Spaces, MinIO) via boto3."""
