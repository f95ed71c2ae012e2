#!/usr/bin/env python3
"""Eager PyTorch (Python) stand-in for issue 3's reference, run beside `bin/siit bench`.

The reviewer's reference is an eager PyTorch implementation of the same T5; its code is not
here. This script is ours: the same model written the way Hugging Face's T5 is (pre-norm blocks,
RMS norm, relative position bias from the first layer, no biases, ReLU feed-forward, tied LM head
scaled by d_model^-0.5, dropout 0.1), trained with torch.optim.AdamW and clip_grad_norm_, and
decoded the way Hugging Face's generate() does constrained beam search (encoder outputs repeated
per beam, full-vocabulary log_softmax, an (N, V) mask filled per row from a trie, top-2K over
K x V per input, every layer's cache reordered with index_select, a last step that scores EOS).
It measures the same three shapes as docs/benchmarks.md, with random tokens of exactly the given
lengths, on 2 threads. `decode --algorithm same` (the default) runs our ConstrainedBeamSearch's
algorithm instead: encoder keys/values computed once per input and shared by its beams, the first
step on one row per input, log_softmax over the whole vocabulary read at EOS and the item tokens,
the mask over those U columns only, no decoder step where only EOS can follow. PyPI is not reachable on our machines: it runs on Debian's python3-torch
(1.13, OpenBLAS), so it is a stand-in, not the reviewer's numbers (docs/benchmarks.md).

    apt-get install python3-torch libopenblas0-openmp
    LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 TCMALLOC_RELEASE_RATE=0 \\
      /usr/bin/python3 scripts/reference-bench.py train            # (a)
    ... reference-bench.py train --d-model 64 --layers 2 --heads 4 --d-kv 16 --d-ff 256 --steps 10  # (b)
    ... reference-bench.py decode                                  # (c)
"""
import argparse
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def relative_bucket(rel, bidirectional, buckets=32, max_distance=128):
    """T5's bucketing of key - query distances: exact below buckets/2 (or /4), log-spaced above."""
    out = torch.zeros_like(rel)
    if bidirectional:
        buckets //= 2
        out += (rel > 0).long() * buckets
        rel = rel.abs()
    else:
        rel = -torch.clamp(rel, max=0)
    exact = buckets // 2
    large = exact + (torch.log(rel.float() / exact + 1e-9) / math.log(max_distance / exact)
                     * (buckets - exact)).long()
    large = torch.clamp(large, max=buckets - 1)
    return out + torch.where(rel < exact, rel, large)


class Attention(nn.Module):
    def __init__(self, d, heads, d_kv, has_bias, bidirectional, dropout):
        super().__init__()
        inner = heads * d_kv
        self.q, self.k, self.v = (nn.Linear(d, inner, bias=False) for _ in range(3))
        self.o = nn.Linear(inner, d, bias=False)
        self.heads, self.d_kv, self.bidirectional, self.dropout = heads, d_kv, bidirectional, dropout
        self.bias = nn.Embedding(32, heads) if has_bias else None

    def position_bias(self, q_len, k_len, q_offset=0):
        ctx = torch.arange(q_offset, q_offset + q_len)[:, None]
        mem = torch.arange(k_len)[None, :]
        buckets = relative_bucket(mem - ctx, self.bidirectional)
        return self.bias(buckets).permute(2, 0, 1).unsqueeze(0)  # (1, H, Lq, Lk)

    def shape(self, x):  # (B, L, H*d_kv) -> (B, H, L, d_kv)
        return x.view(x.size(0), -1, self.heads, self.d_kv).transpose(1, 2)

    def forward(self, x, kv=None, bias=None, past=None, cross_past=None):
        """Returns (output, bias, (k, v)). kv: cross-attention source; past: cached (k, v)."""
        q = self.shape(self.q(x))
        if cross_past is not None:
            k, v = cross_past
        else:
            src = x if kv is None else kv
            k, v = self.shape(self.k(src)), self.shape(self.v(src))
            if past is not None:
                k, v = torch.cat([past[0], k], 2), torch.cat([past[1], v], 2)
        scores = q @ k.transpose(2, 3)  # (B, H, Lq, Lk), no 1/sqrt(d): T5
        if bias is None:
            if self.bias is not None:
                bias = self.position_bias(q.size(2), k.size(2), k.size(2) - q.size(2))
            else:
                bias = torch.zeros(1, self.heads, q.size(2), k.size(2))
        weights = F.dropout(F.softmax(scores + bias, -1), self.dropout, self.training)
        ctx = (weights @ v).transpose(1, 2).reshape(x.size(0), -1, self.heads * self.d_kv)
        return self.o(ctx), bias, (k, v)


def attend_shared(attn, x, k, v, pad, per_input):
    """Cross-attention of per_input consecutive rows per input to that input's (k, v) (B, H, S, d)."""
    n = x.size(0)
    q = attn.q(x).view(n // per_input, per_input, attn.heads, attn.d_kv).transpose(1, 2)  # (B, H, g, d)
    w = F.softmax(q @ k.transpose(2, 3) + pad, -1)  # (B, H, g, S)
    ctx = (w @ v).transpose(1, 2).reshape(n, 1, attn.heads * attn.d_kv)
    return attn.o(ctx)


class FeedForward(nn.Module):
    def __init__(self, d, d_ff, dropout):
        super().__init__()
        self.wi, self.wo = nn.Linear(d, d_ff, bias=False), nn.Linear(d_ff, d, bias=False)
        self.dropout = dropout

    def forward(self, x):
        return self.wo(F.dropout(F.relu(self.wi(x)), self.dropout, self.training))


class Block(nn.Module):
    def __init__(self, cfg, first, decoder):
        super().__init__()
        d, p = cfg.d_model, cfg.dropout
        self.norm0 = RMSNorm(d)
        self.self_attn = Attention(d, cfg.heads, cfg.d_kv, first, not decoder, p)
        self.decoder = decoder
        if decoder:
            self.norm1 = RMSNorm(d)
            self.cross = Attention(d, cfg.heads, cfg.d_kv, False, True, p)
        self.norm2 = RMSNorm(d)
        self.ff = FeedForward(d, cfg.d_ff, p)
        self.p = p

    def forward(self, x, bias, enc=None, enc_bias=None, past=None):
        drop = lambda t: F.dropout(t, self.p, self.training)
        h, bias, self_kv = self.self_attn(self.norm0(x), bias=bias, past=None if past is None else past[0])
        x = x + drop(h)
        cross_kv = None
        if self.decoder:
            h, _, cross_kv = self.cross(self.norm1(x), kv=enc, bias=enc_bias,
                                        cross_past=None if past is None else past[1])
            x = x + drop(h)
        return x + drop(self.ff(self.norm2(x))), bias, (self_kv, cross_kv)


class T5(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.shared = nn.Embedding(cfg.vocab, cfg.d_model)
        self.encoder = nn.ModuleList(Block(cfg, i == 0, False) for i in range(cfg.layers))
        self.decoder = nn.ModuleList(Block(cfg, i == 0, True) for i in range(cfg.layers))
        self.enc_norm, self.dec_norm = RMSNorm(cfg.d_model), RMSNorm(cfg.d_model)

    def encode(self, ids, mask):
        x = F.dropout(self.shared(ids), self.cfg.dropout, self.training)
        bias = None
        pad = (1.0 - mask[:, None, None, :].float()) * -1e9
        for i, blk in enumerate(self.encoder):
            if i == 0:
                bias = blk.self_attn.position_bias(ids.size(1), ids.size(1)) + pad
            x, bias, _ = blk(x, bias)
        return F.dropout(self.enc_norm(x), self.cfg.dropout, self.training), pad

    def decode(self, tokens, enc, enc_pad, past=None):
        """tokens (N, T); past: per layer ((k, v) self, (k, v) cross) or None. -> logits, new past."""
        x = F.dropout(self.shared(tokens), self.cfg.dropout, self.training)
        t = tokens.size(1)
        done = 0 if past is None else past[0][0][0].size(2)
        causal = torch.triu(torch.full((t, done + t), -1e9), diagonal=done + 1)
        bias = self.decoder[0].self_attn.position_bias(t, done + t, done) + causal
        new_past = []
        for i, blk in enumerate(self.decoder):
            x, bias, kv = blk(x, bias, enc, enc_pad, None if past is None else past[i])
            new_past.append(kv)
        x = F.dropout(self.dec_norm(x), self.cfg.dropout, self.training)
        return (x * self.cfg.d_model ** -0.5) @ self.shared.weight.t(), new_past


def decode_step_shared(model, tokens, cross, pad, past, per_input):
    """One cached step for N = B * per_input rows; cross: per layer (k, v) of the B inputs."""
    x = model.shared(tokens)  # (N, 1, d)
    done = 0 if past is None else past[0][0].size(2)
    bias = model.decoder[0].self_attn.position_bias(1, done + 1, done)
    new_past = []
    for i, blk in enumerate(model.decoder):
        h, _, kv = blk.self_attn(blk.norm0(x), bias=bias, past=None if past is None else past[i])
        x = x + h
        x = x + attend_shared(blk.cross, blk.norm1(x), cross[i][0], cross[i][1], pad, per_input)
        x = x + blk.ff(blk.norm2(x))
        new_past.append(kv)
    return (model.dec_norm(x)[:, -1] * model.cfg.d_model ** -0.5) @ model.shared.weight.t(), new_past


def bench_train(cfg, args):
    model = T5(cfg).train()
    no_decay = [p for n, p in model.named_parameters() if 'norm' in n]
    decay = [p for n, p in model.named_parameters() if 'norm' not in n]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.01},
                             {'params': no_decay, 'weight_decay': 0.0}], lr=1e-3)
    items = args.id_length * args.codes
    ids = torch.randint(2, cfg.vocab - items, (args.batch, args.enc))
    ids[:, -1] = 1
    labels = torch.randint(cfg.vocab - items, cfg.vocab, (args.batch, args.dec))
    labels[:, -1] = 1
    dec_in = torch.cat([torch.zeros(args.batch, 1, dtype=torch.long), labels[:, :-1]], 1)
    mask = torch.ones_like(ids)

    def step():
        enc, pad = model.encode(ids, mask)
        logits, _ = model.decode(dec_in, enc, pad)
        loss = F.cross_entropy(logits.reshape(-1, cfg.vocab), labels.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for _ in range(args.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(args.steps):
        step()
    s = time.perf_counter() - t0
    print(f"reference train: batch {args.batch}, enc {args.enc}, dec {args.dec}: "
          f"{args.batch * args.steps / s:.1f} samples/s ({s / args.steps:.3f} s/step over {args.steps} steps); "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def trie_mask(seqs, allowed_after, width):
    """(rows, width): 0 where the trie allows the column after a row's prefix, -inf elsewhere."""
    mask = torch.full((len(seqs), width), -math.inf)
    for r, prefix in enumerate(seqs):
        nxt = allowed_after.get(prefix)
        if nxt is not None:
            mask[r, nxt] = 0
    return mask


def bench_decode(cfg, args):
    model = T5(cfg).eval()
    g = torch.Generator().manual_seed(args.seed)
    base = cfg.vocab - args.id_length * args.codes
    idents = set()
    while len(idents) < args.trie_items:
        idents.add(tuple(base + l * args.codes + int(torch.randint(args.codes, (1,), generator=g))
                         for l in range(args.id_length)))
    trie = {}  # prefix tuple -> allowed next tokens
    for ident in idents:
        for l in range(args.id_length):
            trie.setdefault(ident[:l], set()).add(ident[l])
        trie.setdefault(ident, set()).add(1)
    trie = {k: torch.tensor(sorted(v)) for k, v in trie.items()}
    b, k, v = args.decode_batch, args.beam, cfg.vocab
    ids = torch.randint(2, base, (b, args.enc), generator=g)
    ids[:, -1] = 1
    mask = torch.ones_like(ids)

    @torch.no_grad()
    def search():
        enc, pad = model.encode(ids, mask)
        enc = enc.repeat_interleave(k, 0)  # (B*K, S, d), as generate() does
        pad = pad.repeat_interleave(k, 0)
        seqs = [()] * (b * k)
        scores = torch.full((b, k), -1e9)
        scores[:, 0] = 0  # one live beam per input at the start
        tokens = torch.zeros(b * k, 1, dtype=torch.long)
        past = None
        finished = [[] for _ in range(b)]
        for step in range(args.id_length + 1):
            logits, past = model.decode(tokens, enc, pad, past)
            logp = F.log_softmax(logits[:, -1], -1)  # (N, V)
            total = (logp + trie_mask(seqs, trie, v) + scores.view(-1, 1)).view(b, k * v)
            top, idx = total.topk(2 * k, 1)
            rows, new_seqs, new_tokens, new_scores = [], [], [], []
            for i in range(b):
                live = 0
                for c in range(2 * k):
                    val = float(top[i, c])
                    if val == -math.inf or live == k:
                        break
                    row, tok = i * k + int(idx[i, c]) // v, int(idx[i, c]) % v
                    if tok == 1:
                        finished[i].append((val, seqs[row]))
                        continue
                    rows.append(row)
                    new_seqs.append(seqs[row] + (tok,))
                    new_tokens.append(tok)
                    new_scores.append(val)
                    live += 1
                for _ in range(live, k):  # dead beams
                    rows.append(i * k)
                    new_seqs.append(None)
                    new_tokens.append(0)
                    new_scores.append(-math.inf)
            index = torch.tensor(rows)
            past = [tuple((kv[0].index_select(0, index), kv[1].index_select(0, index)) for kv in layer)
                    for layer in past]
            seqs = new_seqs
            tokens = torch.tensor(new_tokens).view(-1, 1)
            scores = torch.tensor(new_scores).view(b, k)
        return sum(min(len(f), k) for f in finished)

    columns = torch.tensor([1] + list(range(base, cfg.vocab)))  # EOS and the item tokens
    column_of = {int(c): j for j, c in enumerate(columns)}
    u = len(columns)
    trie_cols = {key: torch.tensor([column_of[int(t)] for t in toks]) for key, toks in trie.items()}

    @torch.no_grad()
    def search_same():
        """Our algorithm (ConstrainedBeamSearch) in eager PyTorch: see the module's doc."""
        enc, pad = model.encode(ids, mask)
        cross = [(blk.cross.shape(blk.cross.k(enc)), blk.cross.shape(blk.cross.v(enc))) for blk in model.decoder]
        seqs, scores, past, per = [()] * b, torch.zeros(b), None, 1
        tokens = torch.zeros(b, 1, dtype=torch.long)
        finished = [[] for _ in range(b)]
        for step in range(args.id_length):
            logits, past = decode_step_shared(model, tokens, cross, pad, past, per)
            logp = F.log_softmax(logits, -1)[:, columns]  # (N, U)
            total = (logp + trie_mask(seqs, trie_cols, u) + scores.view(-1, 1)).view(b, per * u)
            top, idx = total.topk(min(2 * k, per * u), 1)
            top, idx = top.tolist(), idx.tolist()
            rows, new_seqs, new_tokens, new_scores = [], [], [], []
            for i in range(b):
                live = 0
                for val, j in zip(top[i], idx[i]):
                    if val == -math.inf or live == k:
                        break
                    row, tok = i * per + j // u, int(columns[j % u])
                    sq = seqs[row] + (tok,)
                    if len(sq) == args.id_length:  # only EOS can follow: finished without a step
                        finished[i].append((val, sq))
                        continue
                    rows.append(row)
                    new_seqs.append(sq)
                    new_tokens.append(tok)
                    new_scores.append(val)
                    live += 1
                for _ in range(live, k):
                    rows.append(i * per)
                    new_seqs.append(None)
                    new_tokens.append(0)
                    new_scores.append(-math.inf)
            if step == args.id_length - 1:
                break
            index = torch.tensor(rows)
            past = [(kk.index_select(0, index), vv.index_select(0, index)) for kk, vv in past]
            seqs, per = new_seqs, k
            tokens = torch.tensor(new_tokens).view(-1, 1)
            scores = torch.tensor(new_scores)
        return sum(min(len(f), k) for f in finished)

    run = search if args.algorithm == 'generate' else search_same
    for _ in range(args.warmup):
        run()
    t0 = time.perf_counter()
    found = 0
    for _ in range(args.decode_batches):
        found += run()
    s = time.perf_counter() - t0
    print(f"reference decode ({args.algorithm}): beam {k}, {b} users/batch, enc {args.enc}, trie of {len(idents)} "
          f"{args.id_length}-token identifiers: {b * args.decode_batches / s:.1f} users/s "
          f"({s / args.decode_batches:.3f} s/batch, {found / (b * args.decode_batches):.1f} hypotheses/user); "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('mode', choices=['train', 'decode'])
    p.add_argument('--d-model', type=int, default=128)
    p.add_argument('--layers', type=int, default=4)
    p.add_argument('--heads', type=int, default=6)
    p.add_argument('--d-kv', type=int, default=64)
    p.add_argument('--d-ff', type=int, default=1024)
    p.add_argument('--vocab', type=int, default=33124)
    p.add_argument('--dropout', type=float, default=0.1)
    p.add_argument('--batch', type=int, default=256)
    p.add_argument('--enc', type=int, default=50)
    p.add_argument('--dec', type=int, default=5)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--beam', type=int, default=20)
    p.add_argument('--decode-batch', type=int, default=64)
    p.add_argument('--decode-batches', type=int, default=4)
    p.add_argument('--trie-items', type=int, default=1682)
    p.add_argument('--id-length', type=int, default=4)
    p.add_argument('--codes', type=int, default=256)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--seed', type=int, default=42)
    p.add_argument('--algorithm', choices=['generate', 'same'], default='same',
                   help="decode as Hugging Face's generate() does, or with our algorithm")
    args = p.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    cfg = argparse.Namespace(vocab=args.vocab, d_model=args.d_model, layers=args.layers, heads=args.heads,
                             d_kv=args.d_kv, d_ff=args.d_ff, dropout=args.dropout)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{sum(x.numel() for x in T5(cfg).parameters()):,} parameters")
    (bench_train if args.mode == 'train' else bench_decode)(cfg, args)


if __name__ == '__main__':
    main()
