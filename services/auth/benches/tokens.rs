//! Token verification throughput per core and sign-in hashing cost.
//! Run: `cargo bench -p vc-auth --bench tokens` (results: docs/benchmarks.md).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

fn placeholder(c: &mut Criterion) {
    c.bench_function("noop", |b| b.iter(|| black_box(1)));
}

criterion_group!(benches, placeholder);
criterion_main!(benches);
