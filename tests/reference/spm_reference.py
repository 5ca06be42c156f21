#!/usr/bin/python3
"""Google's SentencePiece (Debian's python3-sentencepiece) as the reference for Blend's tokenizer.model reading.

Usage: spm_reference.py train OUT_DIR DATA_DIR      trains real tokenizer.model files with SentencePiece's own trainer on the
                                                    lines of every string field of the *.jsonl files under DATA_DIR (Blend's
                                                    data/, in sorted order) into OUT_DIR/NAME/tokenizer.model:
                                                      bpe-llama   BPE, byte fallback, digits split, identity normalization,
                                                                  dummy prefix, whitespace kept (Llama 2 / Mistral's settings)
                                                      bpe-nofallback  BPE without byte fallback (unknown characters
                                                                  are <unk>), identity normalization
                                                      unigram     Unigram, nmt_nfkc normalization, extra whitespace removed
                                                                  (SentencePiece's defaults, as T5-style models)
       spm_reference.py encode MODEL                stdin {"texts": [...]}; stdout {"ids": [[...]], "pieces": [[...]]},
                                                    encoded without BOS/EOS, as SentencePieceProcessor.encode does
"""
import json
import os
import sys

import sentencepiece as spm

MODELS = {
    "bpe-llama": dict(model_type="bpe", vocab_size=600, byte_fallback=True, split_digits=True,
                      normalization_rule_name="identity", add_dummy_prefix=True, remove_extra_whitespaces=False,
                      allow_whitespace_only_pieces=True, character_coverage=0.9995, split_by_unicode_script=True),
    "bpe-nofallback": dict(model_type="bpe", vocab_size=600, normalization_rule_name="identity", character_coverage=0.9995),
    "unigram": dict(model_type="unigram", vocab_size=600, normalization_rule_name="nmt_nfkc", character_coverage=0.9995),
}


def corpus_lines(data):
    lines = []
    for root, _, files in sorted(os.walk(data)):
        for name in sorted(f for f in files if f.endswith(".jsonl")):
            with open(os.path.join(root, name), encoding="utf-8") as f:
                for line in f:
                    try:
                        row = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(row, dict):
                        lines.extend(x for v in row.values() if isinstance(v, str) for x in v.split("\n") if x.strip())
    return lines


def train(out, data):
    os.makedirs(out, exist_ok=True)
    corpus = os.path.join(out, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(corpus_lines(data)))
    for name, options in MODELS.items():
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        spm.SentencePieceTrainer.train(input=corpus, model_prefix=os.path.join(folder, "tokenizer"), num_threads=1,
                                       unk_id=0, bos_id=1, eos_id=2, pad_id=-1, minloglevel=2,
                                       hard_vocab_limit=False, **options)
        print(folder)


def encode(model):
    sp = spm.SentencePieceProcessor(model_file=model)
    texts = json.load(sys.stdin)["texts"]
    ids = [sp.encode(t, out_type=int) for t in texts]
    pieces = [sp.encode(t, out_type=str) for t in texts]
    sys.stdout.write(json.dumps({"ids": ids, "pieces": pieces}))


def main(argv):
    if len(argv) == 3 and argv[0] == "train":
        return train(argv[1], argv[2])
    if len(argv) == 2 and argv[0] == "encode":
        return encode(argv[1])
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
