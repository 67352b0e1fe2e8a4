//! What a constraint kind contributes to generation is written in its own module under
//! `spec/kinds/`, against the vocabulary of `spec::kinds::generation` (the one door between the
//! table and this stage); this module hands that vocabulary on to the rest of `generate`.

pub use crate::spec::kinds::generation::{
    groups, make_valid, picked, Edit, Generate, Group, Hints, LeafEdit,
};
