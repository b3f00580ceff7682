//! Counts in the CLI's sentences: "1 order", "3 orders".

use std::fmt::Display;

/// `one` or `many`, as `n` asks.
pub fn noun<'a, N: PartialEq + From<u8>>(n: N, one: &'a str, many: &'a str) -> &'a str {
    if n == N::from(1) {
        one
    } else {
        many
    }
}

/// `n` and its noun: "1 event", "3 events".
pub fn count<N: Copy + Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1u64, "event", "events"), "1 event");
        assert_eq!(count(0usize, "event", "events"), "0 events");
        assert_eq!(count(12u32, "delivery", "deliveries"), "12 deliveries");
        assert_eq!(noun(1usize, "order", "orders"), "order");
        assert_eq!(noun(2u64, "order", "orders"), "orders");
    }
}
