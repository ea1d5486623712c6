"""Forms built in code (no .ui files): create and edit records with live validation."""
