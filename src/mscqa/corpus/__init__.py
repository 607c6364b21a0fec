"""Article files, the page import, and passages and sentences with exact offsets."""
