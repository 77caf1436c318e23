//! Mutations of a text file for the fuzz tests: bytes flipped, cut and
//! repeated, lines swapped, tokens from a list dropped in.

use proptest::prelude::*;

/// One change to a text; positions wrap around its length.
#[derive(Debug, Clone)]
pub enum Mutation {
    Flip { at: usize, byte: u8 },
    Delete { at: usize, len: usize },
    Insert { at: usize, token: usize },
    Repeat { at: usize, len: usize },
    Truncate { at: usize },
    SwapLines { a: usize, b: usize },
}

pub fn mutation(tokens: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 0..tokens.len()).prop_map(|(at, token)| Mutation::Insert { at, token }),
        (any::<usize>(), 1usize..200).prop_map(|(at, len)| Mutation::Repeat { at, len }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
    ]
}

pub fn mutate(text: &str, mutations: &[Mutation], tokens: &[&str]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for m in mutations {
        let n = bytes.len().max(1);
        match *m {
            Mutation::Flip { at, byte } => {
                if let Some(b) = bytes.get_mut(at % n) {
                    *b = byte;
                }
            }
            Mutation::Delete { at, len } => {
                let from = (at % n).min(bytes.len());
                let to = (from + len).min(bytes.len());
                bytes.drain(from..to);
            }
            Mutation::Insert { at, token } => {
                let at = (at % n).min(bytes.len());
                bytes.splice(at..at, tokens[token].bytes());
            }
            Mutation::Repeat { at, len } => {
                let from = (at % n).min(bytes.len());
                let to = (from + len).min(bytes.len());
                let piece = bytes[from..to].to_vec();
                bytes.splice(to..to, piece);
            }
            Mutation::Truncate { at } => bytes.truncate(at % n),
            Mutation::SwapLines { a, b } => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut lines: Vec<&str> = text.split('\n').collect();
                let count = lines.len();
                lines.swap(a % count, b % count);
                bytes = lines.join("\n").into_bytes();
            }
        }
    }
    // The loader takes text: files that are not UTF-8 never reach it.
    String::from_utf8_lossy(&bytes).into_owned()
}
