"""Reading and writing corpus folders and other formats."""
