"""Label matching: template rows found in the recovered rows (rapidfuzz + jieba), the template detected,
and the sequence reader (the text in reading order aligned to the template's rows)."""
