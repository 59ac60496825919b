#!/usr/bin/env python3
"""Writes the small byte-level BPE tokenizer.json files the gateway's tokenizer tests load.

A few hundred merges learnt from the corpus below, in two layouts of Hugging Face's tokenizer.json:
- llama3-style.json: Llama 3's Split regex then ByteLevel (use_regex false), merges as pairs,
  ignore_merges, special tokens, and a TemplateProcessing post-processor that adds <|begin_of_text|>;
- gpt2-style.json: GPT-2's ByteLevel pre-tokenizer (its own regex), merges as "a b" strings.
The expected ids (hf-vectors.json) are written by the reference implementation, Hugging Face's
tokenizers (Rust) through DJL: see MakeHfVectors.java beside this file. Standard library only.
"""
import collections
import json
import re
from pathlib import Path

CORPUS = """
You are a helpful assistant. Answer the question below in a short paragraph, and don't repeat yourself.
The quick brown fox jumps over the lazy dog; the dog doesn't mind. It's 2024 and we've got 12345 tokens!
def tokenize(text):
    return [token for token in text.split() if token]
System prompt: the assistant's answers are short, precise and correct. User: what's the capital of France?
Assistant: The capital of France is Paris. User: and of Germany? Assistant: Berlin, of course.
Numbers 0 1 2 3 4 5 6 7 8 9 10 100 1000 3.14159 2718281828 and dates 2025-01-31, times 12:30:45.
Unicode: café, naïve, Zürich, résumé, 日本語のテキスト, emoji 😀 and symbols -> => != <= >= ... --- ***
""" * 3

LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                  r"|\s*[\r\n]+|\s+(?!\S)|\s+")
# Close enough for learning merges (Python's re has no \p{L}); the files carry the real patterns.
TRAIN_PATTERN = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d{1,3}| ?[^\s\w]+|\s+(?!\S)|\s+")
MERGES = 400


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + list(
        range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def train():
    b2u = bytes_to_unicode()
    words = collections.Counter()
    for piece in TRAIN_PATTERN.findall(CORPUS):
        words[tuple(b2u[b] for b in piece.encode("utf-8"))] += 1
    vocab = {b2u[b]: b for b in range(256)}
    merges = []
    words = {w: c for w, c in words.items()}
    for _ in range(MERGES):
        pairs = collections.Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merges.append(best)
        vocab[best[0] + best[1]] = len(vocab)
        merged = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + c
        words = merged
    return vocab, merges


def added(content, id_):
    return {"id": id_, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def main():
    here = Path(__file__).parent
    vocab, merges = train()
    n = len(vocab)
    specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
    bpe = {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
           "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False}
    llama3 = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(s, n + i) for i, s in enumerate(specials)],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": LLAMA3_PATTERN}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "Sequence", "processors": [
            {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
            {"type": "TemplateProcessing",
             "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                        {"Sequence": {"id": "A", "type_id": 0}}],
             "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                      {"Sequence": {"id": "A", "type_id": 0}},
                      {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}},
                      {"Sequence": {"id": "B", "type_id": 1}}],
             "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [n],
                                                      "tokens": ["<|begin_of_text|>"]}}}]},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": dict(bpe, ignore_merges=True, vocab=vocab, merges=[[a, b] for a, b in merges]),
    }
    gpt2 = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added("<|endoftext|>", n)],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": dict(bpe, vocab=vocab, merges=[a + " " + b for a, b in merges]),
    }
    for name, doc in (("llama3-style.json", llama3), ("gpt2-style.json", gpt2)):
        (here / name).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("vocab", n, "merges", len(merges))


if __name__ == "__main__":
    main()
