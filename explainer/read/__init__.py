"""Readers: bytes in, text / words with positions / X12 segments out. The only layer that
imports file-format libraries (pdfplumber, pypdfium2, OCR)."""
