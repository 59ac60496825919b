#!/usr/bin/python3
"""An independent KV-event subscriber, written against vLLM's wire format, not against our code.

vLLM's format (vllm/distributed/kv_events.py, examples/online_serving/kv_events_subscriber.py):
  * the replay socket is a ROUTER; a DEALER sends [b"", start_seq as 8 bytes big-endian] and gets,
    per buffered batch with seq >= start_seq, [b"", topic, seq, payload] (vLLM 0.26+, #45177) or
    [b"", seq, payload] (before), then the end marker with seq -1 (8 bytes, signed) and an empty payload;
  * a payload is msgspec's msgpack of KVEventBatch: [ts, [events...], data_parallel_rank], each event
    tagged with its class name: a map with the tag under "type" (vLLM 0.26+, #42892) or an array
    with the tag first (before), fields with defaults left out when they equal them;
  * block hashes are ints (the digest's low 64 bits, VLLM_KV_EVENTS_USE_INT_BLOCK_HASHES=1) or bytes;
  * a block's hash is sha256_cbor((parent or NONE_HASH, tuple(token_ids), extra_keys)) with
    NONE_HASH = sha256_cbor(PYTHONHASHSEED) (vllm/v1/core/kv_cache_utils.py, vllm/utils/hashing.py).

It replays from seq 0, decodes every batch as vLLM's msgspec types would (strictly: a field of the
wrong type or an unknown field fails), checks that msgpack writes the decoded batch back to the same
bytes (so every value has msgspec's smallest encoding), recomputes every stored block's hash from its
tokens, parent and extra keys, and prints the decoded batches as JSON. Any difference exits non-zero.

Usage: kv_events_subscriber.py REPLAY_ENDPOINT TOPIC map|array HASH_SEED
Needs Debian's python3-zmq, python3-msgpack and python3-cbor2.
"""
import hashlib
import json
import sys

import cbor2
import msgpack
import zmq

END_SEQ = (-1).to_bytes(8, "big", signed=True)

# Field name, allowed types, has a default (None) -- in declaration order, as vLLM 0.26 declares them.
BLOCK_STORED = [
    ("block_hashes", "hashes", False), ("parent_block_hash", "hash?", False), ("token_ids", "ints", False),
    ("block_size", "int", False), ("lora_id", "int?", False), ("medium", "str?", False),
    ("lora_name", "str?", False), ("extra_keys", "extra?", True), ("group_idx", "int?", True),
    ("kv_cache_spec_kind", "str?", True), ("kv_cache_spec_sliding_window", "int?", True),
]
BLOCK_REMOVED = [("block_hashes", "hashes", False), ("medium", "str?", False), ("group_idx", "int?", True)]
EVENTS = {"BlockStored": BLOCK_STORED, "BlockRemoved": BLOCK_REMOVED, "AllBlocksCleared": []}


class Bad(Exception):
    pass


def check(value, kind, where):
    def is_int(v):
        return type(v) is int

    def is_hash(v):
        return (is_int(v) and 0 <= v < 2 ** 64) or (type(v) is bytes and len(v) == 32)

    ok = {
        "int": lambda v: is_int(v),
        "int?": lambda v: v is None or is_int(v),
        "str?": lambda v: v is None or type(v) is str,
        "hash?": lambda v: v is None or is_hash(v),
        "hashes": lambda v: type(v) is list and all(is_hash(h) for h in v),
        "ints": lambda v: type(v) is list and all(is_int(t) for t in v),
        "extra?": lambda v: v is None or (type(v) is list and all(k is None or type(k) is list for k in v)),
    }[kind](value)
    if not ok:
        raise Bad(f"{where}: {value!r} is not {kind}")


def decode_event(raw, encoding, where):
    if encoding == "map":
        if type(raw) is not dict:
            raise Bad(f"{where}: expected a map, got {type(raw).__name__}")
        tag = raw.get("type")
        if tag not in EVENTS:
            raise Bad(f"{where}: unknown tag {tag!r}")
        fields = EVENTS[tag]
        names = [name for name, _, _ in fields]
        if list(raw)[0] != "type":
            raise Bad(f"{where}: the tag is not the first key")
        unknown = [k for k in raw if k != "type" and k not in names]
        if unknown:
            raise Bad(f"{where}: unknown fields {unknown}")
        if [k for k in raw if k != "type"] != [n for n in names if n in raw]:
            raise Bad(f"{where}: fields out of declaration order: {list(raw)}")
        event = {"type": tag}
        for name, kind, has_default in fields:
            if name not in raw:
                if not has_default:
                    raise Bad(f"{where}: missing {name}")
                event[name] = None
                continue
            if has_default and raw[name] is None:
                raise Bad(f"{where}: {name} is None but omit_defaults leaves defaults out")
            check(raw[name], kind, f"{where}.{name}")
            event[name] = raw[name]
        return event
    if type(raw) is not list or not raw:
        raise Bad(f"{where}: expected a non-empty array, got {raw!r}")
    tag = raw[0]
    if tag not in EVENTS:
        raise Bad(f"{where}: unknown tag {tag!r}")
    fields = EVENTS[tag]
    required = sum(1 for _, _, d in fields if not d)
    if not 1 + required <= len(raw) <= 1 + len(fields):
        raise Bad(f"{where}: {tag} has {len(raw) - 1} fields, expected {required} to {len(fields)}")
    if len(raw) > 1 + required and raw[-1] is None:
        raise Bad(f"{where}: a trailing default was not left out")
    event = {"type": tag}
    for i, (name, kind, _) in enumerate(fields):
        value = raw[1 + i] if 1 + i < len(raw) else None
        check(value, kind, f"{where}[{1 + i}] ({name})")
        event[name] = value
    return event


def decode_batch(payload, encoding):
    raw = msgpack.unpackb(payload, raw=False, strict_map_key=True)
    if msgpack.packb(raw, use_bin_type=True) != payload:
        raise Bad("the payload is not msgpack's smallest encoding of its own value")
    if type(raw) is not list or len(raw) not in (2, 3):
        raise Bad(f"a batch is [ts, events, data_parallel_rank], got {raw!r}")
    if type(raw[0]) is not float:
        raise Bad(f"ts must be a float, got {raw[0]!r}")
    if type(raw[1]) is not list:
        raise Bad("events must be an array")
    if len(raw) == 3 and type(raw[2]) is not int:
        raise Bad(f"data_parallel_rank must be an int, got {raw[2]!r}")
    return {"ts": raw[0], "rank": raw[2] if len(raw) == 3 else None,
            "events": [decode_event(e, encoding, f"events[{i}]") for i, e in enumerate(raw[1])]}


def sha256_cbor(value):
    return hashlib.sha256(cbor2.dumps(value, canonical=True)).digest()


def external(digest, like):
    return int.from_bytes(digest, "big") & ((1 << 64) - 1) if type(like) is int else digest


def recompute(event, none_hash, digests):
    """vLLM's hash_block_tokens over the event's blocks; digests maps published hash -> digest."""
    parent = event["parent_block_hash"]
    if parent is None:
        parent_digest = None
    elif parent in digests:
        parent_digest = digests[parent]
    else:
        raise Bad(f"parent {parent!r} was never stored")
    size = event["block_size"]
    extra = event["extra_keys"] or [None] * len(event["block_hashes"])
    for i, published in enumerate(event["block_hashes"]):
        tokens = event["token_ids"][i * size:(i + 1) * size]
        keys = tuple(extra[i]) if extra[i] is not None else None
        digest = sha256_cbor((parent_digest or none_hash, tuple(tokens), keys))
        if external(digest, published) != published:
            raise Bad(f"block {i} of a BlockStored: published {published!r}, vLLM's hash is "
                      f"{external(digest, published)!r}")
        digests[published] = digest
        parent_digest = digest


def show(h):
    return None if h is None else (str(h) if type(h) is int else h.hex())


def main():
    replay_endpoint, topic, encoding, seed = sys.argv[1:5]
    ctx = zmq.Context()
    dealer = ctx.socket(zmq.DEALER)
    dealer.setsockopt(zmq.LINGER, 0)
    dealer.setsockopt(zmq.RCVTIMEO, 10000)
    dealer.connect(replay_endpoint)
    dealer.send_multipart([b"", (0).to_bytes(8, "big")])
    none_hash = sha256_cbor(seed)
    digests = {}
    batches = []
    checked = 0
    while True:
        frames = dealer.recv_multipart()
        if frames[0] != b"":
            raise Bad(f"replay frames must start with the empty delimiter: {frames[:1]!r}")
        frames = frames[1:]
        if encoding == "map":
            if len(frames) != 3:
                raise Bad(f"vLLM 0.26 replay replies are [topic, seq, payload], got {len(frames)} frames")
            got_topic, seq, payload = frames
            if seq != END_SEQ and got_topic != topic.encode():
                raise Bad(f"topic {got_topic!r}, expected {topic!r}")
        else:
            if len(frames) != 2:
                raise Bad(f"replay replies before vLLM 0.26 are [seq, payload], got {len(frames)} frames")
            seq, payload = frames
        if seq == END_SEQ:
            if payload != b"":
                raise Bad("the end marker's payload must be empty")
            break
        number = int.from_bytes(seq, "big")
        if len(seq) != 8 or number != len(batches):
            raise Bad(f"expected seq {len(batches)} as 8 bytes, got {seq!r}")
        batch = decode_batch(payload, encoding)
        for event in batch["events"]:
            if event["type"] == "BlockStored":
                recompute(event, none_hash, digests)
                checked += len(event["block_hashes"])
        batches.append({"seq": number, "events": [
            {"type": e["type"], "block_hashes": [show(h) for h in e.get("block_hashes", [])],
             "parent": show(e.get("parent_block_hash")), "token_ids": e.get("token_ids"),
             "lora_id": e.get("lora_id"), "lora_name": e.get("lora_name"), "medium": e.get("medium"),
             "group_idx": e.get("group_idx")}
            for e in batch["events"]]})
    print(json.dumps({"batches": batches, "checked_hashes": checked}))


if __name__ == "__main__":
    try:
        main()
    except Bad as e:
        print(f"kv_events_subscriber: {e}", file=sys.stderr)
        sys.exit(1)
