"""The clinic staff's tools: draft checks and their reports, the gap log and patients' ratings."""
