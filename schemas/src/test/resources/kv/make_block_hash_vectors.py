#!/usr/bin/python3
"""Writes block-hash-vectors.json: vLLM's prefix-cache block hashes for a few prompts.

It follows vLLM's own definitions step by step, as in
  vllm/v1/core/kv_cache_utils.py  (init_none_hash, hash_block_tokens,
      _gen_lora_extra_hash_keys + the cache_salt rule of generate_block_hash_extra_keys,
      get_request_block_hasher, maybe_convert_block_hash)
      at vllm-project/vllm commit 001cabc1be16a59a70d720ed61a13b678c060a18
  vllm/utils/hashing.py  (sha256_cbor: SHA-256 of cbor2.dumps(value, canonical=True))
with --prefix-caching-hash-algo sha256_cbor and PYTHONHASHSEED=<seed>.
BlockHasherTest checks the Java implementation against the file.

Run with Debian's python3-cbor2:  /usr/bin/python3 make_block_hash_vectors.py > block-hash-vectors.json
"""
import hashlib
import json

import cbor2


def sha256_cbor(value):
    return hashlib.sha256(cbor2.dumps(value, canonical=True)).digest()


def init_none_hash(seed):
    # PYTHONHASHSEED set: NONE_HASH = hash_fn(seed), the seed being the environment's string.
    return sha256_cbor(seed)


def hash_block_tokens(none_hash, parent_block_hash, block_token_ids, extra_keys):
    if not parent_block_hash:
        parent_block_hash = none_hash
    return sha256_cbor((parent_block_hash, tuple(block_token_ids), extra_keys))


def block_extra_keys(lora_name, cache_salt, start_token_idx):
    # LoRA name first, then multi-modal keys (none here), then cache_salt on the first block only.
    keys = ([lora_name] if lora_name else []) + ([cache_salt] if start_token_idx == 0 and cache_salt else [])
    return tuple(keys) if keys else None


def request_block_hashes(none_hash, token_ids, block_size, lora_name=None, cache_salt=None):
    hashes = []
    parent = None
    start = 0
    while start + block_size <= len(token_ids):  # only full blocks are hashed
        extra = block_extra_keys(lora_name, cache_salt, start)
        parent = hash_block_tokens(none_hash, parent, token_ids[start:start + block_size], extra)
        hashes.append(parent)
        start += block_size
    return hashes


def as_int(block_hash):
    # maybe_convert_block_hash with VLLM_KV_EVENTS_USE_INT_BLOCK_HASHES=1 (the default).
    return int.from_bytes(block_hash, byteorder="big") & ((1 << 64) - 1)


CASES = [
    {"name": "two blocks of small ids", "seed": "0", "block_size": 4, "tokens": [1, 2, 3, 4, 5, 6, 7, 8]},
    {"name": "partial last block has no hash", "seed": "0", "block_size": 4, "tokens": [1, 2, 3, 4, 5, 6]},
    {"name": "CBOR head sizes", "seed": "42", "block_size": 8,
     "tokens": [0, 23, 24, 255, 256, 65535, 65536, 128255, 1, 128000, 9906, 1917, 374, 264, 1296, 13]},
    {"name": "another seed", "seed": "1234567", "block_size": 4, "tokens": [1, 2, 3, 4, 5, 6, 7, 8]},
    {"name": "LoRA name is an extra key of every block", "seed": "0", "block_size": 4,
     "tokens": [1, 2, 3, 4, 5, 6, 7, 8], "lora_name": "sql-lora"},
    {"name": "cache salt keys the first block only", "seed": "0", "block_size": 4,
     "tokens": [1, 2, 3, 4, 5, 6, 7, 8], "cache_salt": "tenant-a"},
    {"name": "LoRA then salt", "seed": "0", "block_size": 4, "tokens": [1, 2, 3, 4, 5, 6, 7, 8],
     "lora_name": "sql-lora", "cache_salt": "tenant-a"},
    {"name": "sixteen-token blocks", "seed": "0", "block_size": 16, "tokens": list(range(100, 148))},
]

out = []
for case in CASES:
    none_hash = init_none_hash(case["seed"])
    hashes = request_block_hashes(none_hash, case["tokens"], case["block_size"], case.get("lora_name"),
                                  case.get("cache_salt"))
    first_input = cbor2.dumps((none_hash, tuple(case["tokens"][:case["block_size"]]),
                               block_extra_keys(case.get("lora_name"), case.get("cache_salt"), 0)),
                              canonical=True)
    out.append(dict(case, none_hash=none_hash.hex(), first_block_cbor=first_input.hex(),
                    hashes=[h.hex() for h in hashes], int_hashes=[str(as_int(h)) for h in hashes]))
print(json.dumps(out, indent=1))
