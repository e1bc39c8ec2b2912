"""Presenters: an Explanation as JSON (the contract), CLI text, and (in web/) HTML."""
