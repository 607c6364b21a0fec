"""The Gradio app and what runs around it: replies, safety, sessions, health, replicas."""
