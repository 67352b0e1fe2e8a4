//! Tests of the generated mapping (`generated.rs`) and the conversions it uses.

mod operations;
mod structures;
