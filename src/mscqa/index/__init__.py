"""The index folder: store, build, update, load and status; BM25, vector and ONNX files."""
