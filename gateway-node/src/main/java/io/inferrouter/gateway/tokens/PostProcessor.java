package io.inferrouter.gateway.tokens;

/**
 * What Hugging Face's post-processor adds around a single sequence when special tokens are added
 * (TemplateProcessing's {@code single}, RoBERTa's and BERT's {@code <s> A </s>}): ids before and
 * after. ByteLevel's post-processor only moves offsets, which the gateway does not keep.
 *
 * @param prefix ids before the text's
 * @param suffix ids after them
 */
record PostProcessor(int[] prefix, int[] suffix) {

    static final PostProcessor NONE = new PostProcessor(new int[0], new int[0]);

    PostProcessor {
        prefix = prefix.clone();
        suffix = suffix.clone();
    }

    PostProcessor then(PostProcessor outer) {
        int[] p = new int[outer.prefix.length + prefix.length];
        System.arraycopy(outer.prefix, 0, p, 0, outer.prefix.length);
        System.arraycopy(prefix, 0, p, outer.prefix.length, prefix.length);
        int[] s = new int[suffix.length + outer.suffix.length];
        System.arraycopy(suffix, 0, s, 0, suffix.length);
        System.arraycopy(outer.suffix, 0, s, suffix.length, outer.suffix.length);
        return new PostProcessor(p, s);
    }
}
