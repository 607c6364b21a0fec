"""Text normalisation, lexical tokens and term lists; which language a text is in."""
