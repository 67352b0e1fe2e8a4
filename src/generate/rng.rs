//! A deterministic source of choices, backed by proptest's ChaCha `TestRng`: the same seed gives
//! the same values on every machine.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Draws values from proptest strategies, deterministically from a seed.
pub struct Rng {
    runner: TestRunner,
}

impl Rng {
    /// A source seeded with `seed`.
    pub fn from_seed(seed: u64) -> Rng {
        let mut bytes = [0u8; 32];
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let word = seed.rotate_left(i as u32 * 16)
                ^ (0x9e37_79b9_7f4a_7c15u64.wrapping_mul(i as u64 + 1));
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
        Rng {
            runner: TestRunner::new_with_rng(Config::default(), rng),
        }
    }

    /// One value of a strategy. Our strategies never reject, so `fallback` is only a guard.
    pub fn draw<S: Strategy>(&mut self, strategy: S, fallback: S::Value) -> S::Value {
        match strategy.new_tree(&mut self.runner) {
            Ok(tree) => tree.current(),
            Err(_) => fallback,
        }
    }

    /// An integer in `lo..=hi` (`lo` if the range is empty).
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        self.draw(lo..=hi, lo)
    }

    /// A size in `lo..=hi`.
    pub fn size(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        self.draw(lo..=hi, lo)
    }

    /// One item of a non-empty slice.
    pub fn pick<T: Clone + std::fmt::Debug>(&mut self, items: &[T]) -> T {
        let i = self.size(0, items.len().saturating_sub(1));
        items[i].clone()
    }

    /// A fair coin.
    pub fn coin(&mut self) -> bool {
        self.draw(proptest::bool::ANY, false)
    }

    /// A float in `0.0..hi`.
    pub fn float(&mut self, hi: f64) -> f64 {
        self.draw(0.0..hi, 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_draws() {
        let mut a = Rng::from_seed(42);
        let mut b = Rng::from_seed(42);
        let xs: Vec<i64> = (0..20).map(|_| a.int(0, 1_000_000)).collect();
        let ys: Vec<i64> = (0..20).map(|_| b.int(0, 1_000_000)).collect();
        assert_eq!(xs, ys);
        let mut c = Rng::from_seed(43);
        let zs: Vec<i64> = (0..20).map(|_| c.int(0, 1_000_000)).collect();
        assert_ne!(xs, zs);
    }
}

/// A proptest runner whose draws are a function of `seed` alone, for searches that drive a
/// value tree themselves (sequences, `explore`). Its derivation differs from [`Rng`]'s, which
/// committed snapshots depend on, so each keeps its own.
pub fn seeded_runner(seed: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let word = seed.rotate_left(i as u32 * 16) ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}
