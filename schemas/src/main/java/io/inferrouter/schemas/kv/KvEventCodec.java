package io.inferrouter.schemas.kv;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * vLLM's KV-event payload: a msgpack {@code KVEventBatch} as msgspec encodes it
 * ({@code vllm/distributed/kv_events.py}). The batch is an array {@code [ts, events, data_parallel_rank]}
 * (the rank left out when null); each event is tagged with its class name, either as a map
 * ({@code {"type": "BlockStored", "block_hashes": ..., ...}}) or as an array
 * ({@code ["BlockStored", block_hashes, ...]}), see {@link KvEventEncoding}. Fields that have a
 * default in vLLM ({@code extra_keys}, {@code group_idx}, {@code kv_cache_spec_kind},
 * {@code kv_cache_spec_sliding_window}) are left out while null, as {@code omit_defaults=True} does
 * (in the array form only trailing ones, as positions must hold).
 *
 * <p>{@link #decode} reads both event forms (a fleet may mix vLLM versions), a batch written as a
 * map, hashes as integers or bytes, and ignores unknown map keys and extra trailing array items,
 * as msgspec does. Anything else is a {@link MalformedKvEventsException} saying where and why.
 */
public final class KvEventCodec {

    private static final Object ABSENT = new Object();

    private KvEventCodec() {
    }

    public static byte[] encode(KvEventBatch batch, KvEventEncoding encoding) {
        Msgpack.Writer w = new Msgpack.Writer();
        w.array(batch.dataParallelRank() == null ? 2 : 3);
        w.float64(batch.ts());
        w.array(batch.events().size());
        for (KvEvent e : batch.events()) {
            writeEvent(w, e, encoding);
        }
        if (batch.dataParallelRank() != null) {
            w.integer(batch.dataParallelRank());
        }
        return w.toByteArray();
    }

    /** @throws MalformedKvEventsException when the bytes are not a valid batch */
    public static KvEventBatch decode(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new MalformedKvEventsException("the payload is empty");
        }
        Object root = Msgpack.read(payload);
        Fields batch = Fields.of(root, "$", 0);
        double ts = number(batch.required(0, "ts"), "$.ts");
        List<Object> rawEvents = list(batch.required(1, "events"), "$.events");
        Object rank = batch.optional(2, "data_parallel_rank");
        List<KvEvent> events = new ArrayList<>(rawEvents.size());
        for (int i = 0; i < rawEvents.size(); i++) {
            events.add(decodeEvent(rawEvents.get(i), "$.events[" + i + "]"));
        }
        try {
            return new KvEventBatch(ts, events, rank == null ? null : integer(rank, "$.data_parallel_rank"));
        } catch (IllegalArgumentException e) {
            throw new MalformedKvEventsException(e.getMessage(), e);
        }
    }

    // ---- writing ----------------------------------------------------------------------------

    /** One field of an event, in declaration order; {@code optional} ones default to null. */
    private record Field(String name, Object value, boolean optional) {
    }

    private static void writeEvent(Msgpack.Writer w, KvEvent e, KvEventEncoding encoding) {
        List<Field> fields = switch (e) {
            case KvEvent.BlockStored s -> List.of(
                    new Field("block_hashes", s.blockHashes(), false),
                    new Field("parent_block_hash", s.parentBlockHash(), false),
                    new Field("token_ids", s.tokenIds(), false),
                    new Field("block_size", s.blockSize(), false),
                    new Field("lora_id", s.loraId(), false),
                    new Field("medium", s.medium(), false),
                    new Field("lora_name", s.loraName(), false),
                    new Field("extra_keys", s.extraKeys(), true),
                    new Field("group_idx", s.group() == null ? null : s.group().index(), true),
                    new Field("kv_cache_spec_kind", s.group() == null ? null : s.group().specKind(), true),
                    new Field("kv_cache_spec_sliding_window", s.group() == null ? null : s.group().slidingWindow(),
                            true));
            case KvEvent.BlockRemoved r -> List.of(
                    new Field("block_hashes", r.blockHashes(), false),
                    new Field("medium", r.medium(), false),
                    new Field("group_idx", r.groupIndex(), true));
            case KvEvent.AllBlocksCleared c -> List.of();
        };
        if (encoding == KvEventEncoding.MAP) {
            int n = 1;
            for (Field f : fields) {
                n += f.optional() && f.value() == null ? 0 : 1;
            }
            w.map(n).str("type").str(e.type());
            for (Field f : fields) {
                if (!(f.optional() && f.value() == null)) {
                    w.str(f.name());
                    writeValue(w, f.value());
                }
            }
        } else {
            int last = -1;
            for (int i = 0; i < fields.size(); i++) {
                if (!fields.get(i).optional() || fields.get(i).value() != null) {
                    last = i;
                }
            }
            w.array(last + 2).str(e.type());
            for (int i = 0; i <= last; i++) {
                writeValue(w, fields.get(i).value());
            }
        }
    }

    private static void writeValue(Msgpack.Writer w, Object v) {
        switch (v) {
            case null -> w.nil();
            case ExternalBlockHash.Int64 h -> w.unsigned(h.value());
            case ExternalBlockHash.Digest d -> w.bin(d.hash().bytes());
            case String s -> w.str(s);
            case Integer i -> w.integer(i);
            case Long l -> w.integer(l);
            case BigInteger b -> w.unsigned(b.longValue());
            case Boolean b -> w.bool(b);
            case Double d -> w.float64(d);
            case byte[] b -> w.bin(b);
            case List<?> list -> {
                w.array(list.size());
                for (Object item : list) {
                    writeValue(w, item);
                }
            }
            default -> throw new IllegalArgumentException("a KV event cannot hold a " + v.getClass().getSimpleName());
        }
    }

    // ---- reading ----------------------------------------------------------------------------

    private static KvEvent decodeEvent(Object raw, String path) {
        Fields f = Fields.of(raw, path, 1);
        String type = f.tag();
        try {
            return switch (type) {
                case "BlockStored" -> new KvEvent.BlockStored(
                        hashes(f.required(0, "block_hashes"), path + ".block_hashes"),
                        nullableHash(f.required(1, "parent_block_hash"), path + ".parent_block_hash"),
                        tokens(f.required(2, "token_ids"), path + ".token_ids"),
                        integer(f.required(3, "block_size"), path + ".block_size"),
                        nullableInteger(f.optional(4, "lora_id"), path + ".lora_id"),
                        nullableText(f.optional(5, "medium"), path + ".medium"),
                        nullableText(f.optional(6, "lora_name"), path + ".lora_name"),
                        extraKeys(f.optional(7, "extra_keys"), path + ".extra_keys"),
                        group(f.optional(8, "group_idx"), f.optional(9, "kv_cache_spec_kind"),
                                f.optional(10, "kv_cache_spec_sliding_window"), path));
                case "BlockRemoved" -> new KvEvent.BlockRemoved(
                        hashes(f.required(0, "block_hashes"), path + ".block_hashes"),
                        nullableText(f.optional(1, "medium"), path + ".medium"),
                        nullableInteger(f.optional(2, "group_idx"), path + ".group_idx"));
                case "AllBlocksCleared" -> new KvEvent.AllBlocksCleared();
                default -> throw new MalformedKvEventsException(path + ": unknown event type '" + type
                        + "' (expected BlockStored, BlockRemoved or AllBlocksCleared)");
            };
        } catch (IllegalArgumentException e) {
            throw new MalformedKvEventsException(path + " (" + type + "): " + e.getMessage(), e);
        }
    }

    /** An event's or batch's fields, by position (array form) or by name (map form). */
    private record Fields(List<Object> array, Map<String, Object> map, String path, int offset) {

        /** {@code offset}: positions before the first field (1 for an event's tag). */
        static Fields of(Object raw, String path, int offset) {
            if (raw instanceof List<?> l) {
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) l;
                return new Fields(list, null, path, offset);
            }
            if (raw instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) m;
                return new Fields(null, map, path, offset);
            }
            throw new MalformedKvEventsException(path + ": expected an array or a map, got " + kind(raw));
        }

        String tag() {
            Object t = array != null ? (array.isEmpty() ? ABSENT : array.get(0)) : map.getOrDefault("type", ABSENT);
            if (t == ABSENT) {
                throw new MalformedKvEventsException(path + ": the event has no type tag");
            }
            if (!(t instanceof String s)) {
                throw new MalformedKvEventsException(path + ": the type tag is " + kind(t) + ", not a string");
            }
            return s;
        }

        Object optional(int index, String name) {
            if (array != null) {
                int at = index + offset;
                return at < array.size() ? array.get(at) : null;
            }
            return map.get(name);
        }

        Object required(int index, String name) {
            boolean present = array != null ? index + offset < array.size() : map.containsKey(name);
            if (!present) {
                throw new MalformedKvEventsException(path + ": missing " + name);
            }
            return optional(index, name);
        }
    }

    private static List<ExternalBlockHash> hashes(Object raw, String path) {
        List<Object> items = list(raw, path);
        List<ExternalBlockHash> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            ExternalBlockHash h = nullableHash(items.get(i), path + "[" + i + "]");
            if (h == null) {
                throw new MalformedKvEventsException(path + "[" + i + "]: a block hash is null");
            }
            out.add(h);
        }
        return out;
    }

    private static ExternalBlockHash nullableHash(Object raw, String path) {
        return switch (raw) {
            case null -> null;
            case Long l -> new ExternalBlockHash.Int64(l);
            case BigInteger b -> new ExternalBlockHash.Int64(b.longValue());
            case byte[] b when b.length >= 1 && b.length <= 64 -> new ExternalBlockHash.Digest(BlockHash.wrap(b));
            case byte[] b -> throw new MalformedKvEventsException(path + ": a block hash of " + b.length + " bytes");
            default -> throw new MalformedKvEventsException(path + ": expected an integer or bytes hash, got "
                    + kind(raw));
        };
    }

    private static List<Integer> tokens(Object raw, String path) {
        List<Object> items = list(raw, path);
        List<Integer> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(integer(items.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    private static List<List<Object>> extraKeys(Object raw, String path) {
        if (raw == null) {
            return null;
        }
        List<Object> items = list(raw, path);
        List<List<Object>> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Object keys = items.get(i);
            out.add(keys == null ? null : list(keys, path + "[" + i + "]"));
        }
        return out;
    }

    private static KvEvent.CacheGroup group(Object index, Object kind, Object window, String path) {
        if (index == null && kind == null && window == null) {
            return null;
        }
        return new KvEvent.CacheGroup(nullableInteger(index, path + ".group_idx"),
                nullableText(kind, path + ".kv_cache_spec_kind"),
                nullableInteger(window, path + ".kv_cache_spec_sliding_window"));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object raw, String path) {
        if (raw instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new MalformedKvEventsException(path + ": expected an array, got " + kind(raw));
    }

    private static double number(Object raw, String path) {
        if (raw instanceof Double d) {
            return d;
        }
        if (raw instanceof Long l) {
            return l;
        }
        throw new MalformedKvEventsException(path + ": expected a number, got " + kind(raw));
    }

    private static int integer(Object raw, String path) {
        if (raw instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        throw new MalformedKvEventsException(path + ": expected a 32-bit integer, got " + kind(raw));
    }

    private static Integer nullableInteger(Object raw, String path) {
        return raw == null ? null : integer(raw, path);
    }

    private static String nullableText(Object raw, String path) {
        if (raw == null || raw instanceof String) {
            return (String) raw;
        }
        throw new MalformedKvEventsException(path + ": expected a string, got " + kind(raw));
    }

    private static String kind(Object v) {
        return switch (v) {
            case null -> "nil";
            case Long l -> "the integer " + l;
            case BigInteger b -> "the integer " + b;
            case Double d -> "the float " + d;
            case String s -> "a string";
            case byte[] b -> b.length + " bytes";
            case Boolean b -> "a boolean";
            case List<?> l -> "an array of " + l.size();
            case Map<?, ?> m -> "a map";
            default -> v.getClass().getSimpleName();
        };
    }
}
