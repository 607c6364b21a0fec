"""A question -> ranked passages (lexical + dense); the words and topics the library knows."""
