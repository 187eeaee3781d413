//! The shapes of attacker the suite trains, each with what it is, how it learns and its
//! names (spelled once, here), and the suite's members: those readers and the distinguisher.

use serde::{Deserialize, Serialize};

/// One shape of attacker. Every one sees ciphertexts and the messages behind them, never a
/// key, and trains from scratch against the frozen Alice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttackerKind {
    /// The write-up's Eve (two dense layers, four convolutions), RMSprop: the app's old
    /// audit, and the opponent Alice trained against.
    #[serde(rename = "eve-rmsprop")]
    EveRmsProp,
    /// The write-up's Eve with Adam.
    EveAdam,
    /// A plain MLP with more depth than Eve: 3 hidden layers of 128 ReLU units, bits-wrong
    /// loss, Adam, standardised inputs.
    DeepMlp,
    /// A plain MLP much wider than Eve: 2 hidden layers of 384 ReLU units, bits-wrong loss.
    WideMlp,
    /// An MLP trained by per-bit cross-entropy on logits (its gradient does not vanish on
    /// confident mistakes): 3 hidden layers of 256.
    CrossEntropyMlp,
    /// A modern shape: each ciphertext value read through soft bins (so magnitudes become
    /// features), residual blocks with layer norm, cross-entropy, Adam at 0.004 along a
    /// cosine schedule.
    BinnedResidual,
    /// Not a network: a per-bit naive-Bayes read-out from binned ciphertext values, counted
    /// over the known messages it has seen.
    Bayes,
}

impl AttackerKind {
    /// Every attacker, in the order the suite runs and reports them.
    pub const ALL: [AttackerKind; 7] = [
        AttackerKind::EveRmsProp,
        AttackerKind::EveAdam,
        AttackerKind::DeepMlp,
        AttackerKind::WideMlp,
        AttackerKind::CrossEntropyMlp,
        AttackerKind::BinnedResidual,
        AttackerKind::Bayes,
    ];

    /// What one step costs, relative to the write-up's Eve, rounded: seconds for 2,000
    /// steps of 512 messages on one core (`anc audit --model public/models/seed16.bin
    /// --steps 2000`, 2-core machine): Eve 2.3–2.5, Bayes 1.5, deep MLP 5.5, wide MLP 15.6,
    /// cross-entropy MLP 14.9, binned residual net 35.7. [`super::deal`] balances by it.
    pub fn cost(self) -> usize {
        match self {
            AttackerKind::EveRmsProp | AttackerKind::EveAdam | AttackerKind::Bayes => 1,
            AttackerKind::DeepMlp => 2,
            AttackerKind::WideMlp | AttackerKind::CrossEntropyMlp => 6,
            AttackerKind::BinnedResidual => 15,
        }
    }

    /// The name on the command line, in files and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            AttackerKind::EveRmsProp => "eve-rmsprop",
            AttackerKind::EveAdam => "eve-adam",
            AttackerKind::DeepMlp => "deep-mlp",
            AttackerKind::WideMlp => "wide-mlp",
            AttackerKind::CrossEntropyMlp => "cross-entropy-mlp",
            AttackerKind::BinnedResidual => "binned-residual",
            AttackerKind::Bayes => "bayes",
        }
    }

    /// A short description for people (tables, the page).
    pub fn label(self) -> &'static str {
        match self {
            AttackerKind::EveRmsProp => "Eve's own shape, RMSprop",
            AttackerKind::EveAdam => "Eve's own shape, Adam",
            AttackerKind::DeepMlp => "deep MLP (3×128)",
            AttackerKind::WideMlp => "wide MLP (2×384)",
            AttackerKind::CrossEntropyMlp => "cross-entropy MLP (3×256)",
            AttackerKind::BinnedResidual => "binned residual net",
            AttackerKind::Bayes => "naive Bayes on binned values",
        }
    }

    /// Looks an attacker up by its name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl std::fmt::Display for AttackerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What one step of the distinguisher costs ([`SuiteMember::cost`]): as much as the
/// cross-entropy MLP's (`anc audit --model public/models/seed16.bin --steps 2000`, 2-core
/// machine: 11.1 s for its 2,000 steps, the cross-entropy MLP's 11.4 s).
const DISTINGUISHER_COST: usize = 6;

/// One member of the suite: a reader of one shape, or the distinguisher of the two-message
/// game ([`super::DistinguishRun`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SuiteMember {
    Reader(AttackerKind),
    Distinguisher,
}

impl SuiteMember {
    /// Its name in sentences and tables.
    pub fn label(self) -> &'static str {
        match self {
            SuiteMember::Reader(kind) => kind.label(),
            SuiteMember::Distinguisher => "the distinguisher (two messages, which one?)",
        }
    }

    /// What one step costs, in [`AttackerKind::cost`]'s unit.
    pub fn cost(self) -> usize {
        match self {
            SuiteMember::Reader(kind) => kind.cost(),
            SuiteMember::Distinguisher => DISTINGUISHER_COST,
        }
    }
}
