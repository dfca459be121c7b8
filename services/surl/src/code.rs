//! Short-link codes: random strings over base62 without the characters that
//! are easy to confuse when a code is read aloud or retyped (`0 O o 1 l I`).

use rand::Rng;

/// 56 characters: `2-9`, `A-Z` without `I O`, `a-z` without `l o`.
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";

/// Shorter codes could be guessed; `surl.code_length` is refused below this.
pub const MIN_LENGTH: usize = 8;

/// Longer is pointless (12 already gives about 70 bits); a cap keeps
/// lookups of arbitrary path segments cheap.
pub const MAX_LENGTH: usize = 64;

/// A fresh code of `length` characters from the thread-local CSPRNG
/// (ChaCha, seeded from the operating system).
pub fn generate(length: usize) -> String {
    generate_with(&mut rand::rng(), length)
}

/// A code from `rng` (each character uniform over [`ALPHABET`]).
pub fn generate_with<R: Rng + ?Sized>(rng: &mut R, length: usize) -> String {
    (0..length).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
}

/// Whether `s` could be a code we issued (any length we ever allowed):
/// anything else is answered 404 without a database lookup.
pub fn is_well_formed(s: &str) -> bool {
    (MIN_LENGTH..=MAX_LENGTH).contains(&s.len()) && s.bytes().all(|b| ALPHABET.contains(&b))
}

/// Random bits in a code of `length` characters.
pub fn entropy_bits(length: usize) -> f64 {
    length as f64 * (ALPHABET.len() as f64).log2()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn alphabet_is_base62_without_confusables() {
        assert_eq!(ALPHABET.len(), 56);
        let set: HashSet<u8> = ALPHABET.iter().copied().collect();
        assert_eq!(set.len(), ALPHABET.len(), "no character twice");
        for c in b"0Oo1lI" {
            assert!(!set.contains(c), "{} is confusable", char::from(*c));
        }
        assert!(ALPHABET.iter().all(u8::is_ascii_alphanumeric));
    }

    #[test]
    fn codes_have_the_length_and_alphabet_asked_for() {
        for length in [MIN_LENGTH, 12, 20, MAX_LENGTH] {
            for _ in 0..200 {
                let code = generate(length);
                assert_eq!(code.len(), length);
                assert!(code.bytes().all(|b| ALPHABET.contains(&b)), "{code}");
                assert!(!code.contains(['0', 'O', 'o', '1', 'l', 'I']), "{code}");
                assert!(is_well_formed(&code));
            }
        }
    }

    #[test]
    fn codes_do_not_repeat_over_many_draws() {
        let draws = 100_000;
        let codes: HashSet<String> = (0..draws).map(|_| generate(MIN_LENGTH)).collect();
        // 56^8 is about 9.7e13: a repeat in 1e5 draws has probability ~5e-5.
        assert_eq!(codes.len(), draws);
    }

    #[test]
    fn every_character_is_used_about_evenly() {
        let mut counts = [0u32; 256];
        let code = generate(56 * 2000);
        for b in code.bytes() {
            counts[b as usize] += 1;
        }
        for &c in ALPHABET {
            let n = counts[c as usize];
            // Expected 2000 each with a standard deviation of about 44: ±300 never fails by chance.
            assert!((1700..=2300).contains(&n), "{} drawn {n} times", char::from(c));
        }
    }

    #[test]
    fn malformed_codes_are_recognised() {
        assert!(!is_well_formed(""));
        assert!(!is_well_formed("abc"), "too short");
        assert!(!is_well_formed(&"a".repeat(MAX_LENGTH + 1)), "too long");
        assert!(!is_well_formed("abcdefg0"), "confusable 0");
        assert!(!is_well_formed("abcdefgl"), "confusable l");
        assert!(!is_well_formed("abcd/efg"));
        assert!(!is_well_formed("abcdéfgh"), "not ASCII");
        assert!(!is_well_formed("<script>alert(1)</script>"));
        assert!(is_well_formed("abcdefgh"));
    }

    #[test]
    fn twelve_characters_give_about_seventy_bits() {
        assert!((69.0..71.0).contains(&entropy_bits(12)));
        assert!(entropy_bits(MIN_LENGTH) > 46.0);
    }
}
