//! The message form's state: the models it can use (the three shipped with the site, and
//! one of either kind trained in this page or loaded: the write-up's networks or a pad),
//! the key, and what Alice, Bob and Eve made of the text. The text networks are tiny, so
//! they always run on the CPU device, synchronously.

use burn::prelude::*;
use leptos::prelude::*;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::app::strength::Strength;
use crate::nn::any_model::{AnyCipher, AnyModel};
use crate::nn::attack::SuiteResult;
use crate::nn::config::Preset;
use crate::text::codec::{CODE_BITS, Packing};
use crate::text::key::Key;
use crate::web::browser::{crypto_bits, fetch_bytes, local_storage, store, stored};
use crate::web::tab_storage;

/// Where a model came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelSlot {
    ShippedPoc8,
    ShippedSeed16,
    ShippedOwnEve16,
    Trained,
}

impl ModelSlot {
    pub const ALL: [ModelSlot; 4] =
        [ModelSlot::ShippedPoc8, ModelSlot::ShippedSeed16, ModelSlot::ShippedOwnEve16, ModelSlot::Trained];

    /// The slot's name in the picker: a shipped model's preset name, or "trained".
    pub fn key(self) -> &'static str {
        match self {
            ModelSlot::ShippedPoc8 => Preset::Poc8.name(),
            ModelSlot::ShippedSeed16 => Preset::Seed16.name(),
            ModelSlot::ShippedOwnEve16 => Preset::OwnEve16.name(),
            ModelSlot::Trained => "trained",
        }
    }

    /// The slot named `key` ([`ModelSlot::key`], or a shipped preset's former name: links
    /// made before a rename still open its model).
    pub fn from_key(key: &str) -> Option<Self> {
        let key = Preset::from_name(key).map_or(key, |p| p.name());
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    fn shipped_source(self) -> &'static str {
        "shipped with the site (trained by the anc command line)"
    }

    /// Where the slot is in [`ModelSlot::ALL`] and [`MessageForm::slots`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// What the page says about a model.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelInfo {
    pub preset: String,
    pub bits: usize,
    pub bob_correct_pct: Option<f64>,
    /// The strength figure the file records, and who reached it.
    pub strength: Option<Strength>,
    /// Whether it is a pad (no Eve of its own; one key for every block of a text).
    pub pad: bool,
}

impl ModelInfo {
    fn of(model: &AnyModel) -> Self {
        let (bob_correct_pct, strength, pad) = match model {
            AnyModel::Networks(m) => (m.header.bob_correct_pct, Strength::of(&m.header), false),
            AnyModel::Pad(p) => {
                (p.header.bob_correct_pct, p.header.attack_suite.as_ref().map(Strength::of_suite), true)
            }
        };
        Self { preset: model.name(), bits: model.bits(), bob_correct_pct, strength, pad }
    }

    pub fn packing(&self) -> Packing {
        Packing { bits: self.bits }
    }
}

/// A model the form can use: its file's contents, and its networks ready to run.
pub struct FormModel {
    pub saved: AnyModel,
    pub cipher: AnyCipher,
}

/// Where the model in the form's `Trained` slot was handed over from, when it is one the
/// page holds elsewhere too: an audit of either copy is then recorded on both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnFrom {
    /// The lab's finished run ("Use this model for messages").
    Run,
    /// The pad of section 4 ("Use this pad for messages").
    Pad,
}

/// One of the form's models: its description (or why it is not there) and the model.
#[derive(Clone, Copy)]
pub struct SlotState {
    pub info: RwSignal<Option<Result<ModelInfo, String>>>,
    pub model: StoredValue<Option<FormModel>, LocalStorage>,
    /// Bumped whenever a model is put in this slot (not when an audit is recorded on it).
    pub generation: RwSignal<u64>,
}

/// The message form's shared state.
#[derive(Clone, Copy)]
pub struct MessageForm {
    pub slot: RwSignal<ModelSlot>,
    /// The form's models, one per slot ([`ModelSlot::index`]).
    pub slots: [SlotState; 4],
    /// Bumped whenever a model is put in a slot (a new model in the same slot is another
    /// model: readings made with the old one no longer apply).
    pub revision: RwSignal<u64>,
    /// Where the model in the `Trained` slot came from (trained here, a file, kept).
    pub own_source: RwSignal<String>,
    /// Where the model in the `Trained` slot was handed over from, if the page holds it
    /// elsewhere too.
    pub own_from: RwSignal<Option<OwnFrom>>,
    /// Why the last model file was refused (the current model is kept).
    pub file_error: RwSignal<Option<String>>,
    pub key_text: RwSignal<String>,
    /// What a share link brought and what it lacks, said above the form (none without a link).
    pub arrival: RwSignal<Option<String>>,
    /// A key from a share link, used instead of a fresh one once the model has loaded.
    pub shared_key: RwSignal<Option<String>>,
    pub plaintext: RwSignal<String>,
    pub ciphertext: RwSignal<String>,
}

impl MessageForm {
    pub fn new() -> Self {
        Self {
            slot: RwSignal::new(ModelSlot::ShippedPoc8),
            slots: std::array::from_fn(|_| SlotState {
                info: RwSignal::new(None),
                model: StoredValue::new_local(None),
                generation: RwSignal::new(0),
            }),
            revision: RwSignal::new(0),
            own_source: RwSignal::new(String::new()),
            own_from: RwSignal::new(None),
            file_error: RwSignal::new(None),
            key_text: RwSignal::new(String::new()),
            shared_key: RwSignal::new(None),
            arrival: RwSignal::new(None),
            plaintext: RwSignal::new("hello, bob! eve cannot read this.".into()),
            ciphertext: RwSignal::new(String::new()),
        }
    }

    /// The message form put in context by the app.
    ///
    /// # Panics
    /// Outside the app's component tree.
    pub fn get() -> Self {
        use_context::<MessageForm>()
            .expect("components are used inside <App/>, which provides the message form")
    }

    /// Where the model in `slot` came from.
    pub fn source(&self, slot: ModelSlot) -> String {
        match slot {
            ModelSlot::Trained => self.own_source.get(),
            shipped => shipped.shipped_source().to_string(),
        }
    }

    /// Makes `model` the form's own model (from `source`), keeps it in the browser for the
    /// next visit, and selects it.
    pub fn adopt(&self, model: AnyModel, source: &str) {
        keep(&model);
        self.own_from.set(None);
        self.own_source.set(source.to_string());
        self.put(ModelSlot::Trained, model);
        self.slot.set(ModelSlot::Trained);
    }

    /// Records an attacker-suite audit on the model in `slot` (kept in the browser with it
    /// when it is the form's own): its strength, shown the same everywhere the model is.
    pub fn record_suite(&self, slot: ModelSlot, suite: &SuiteResult) {
        let state = self.slots[slot.index()];
        let info = state.model.try_update_value(|m| {
            let m = m.as_mut()?;
            m.saved.record_suite(suite);
            if slot == ModelSlot::Trained {
                keep(&m.saved);
            }
            Some(ModelInfo::of(&m.saved))
        });
        if let Some(Some(info)) = info {
            state.info.set(Some(Ok(info)));
        }
    }

    /// The chosen model as a model file.
    pub fn model_file(&self) -> Option<Vec<u8>> {
        self.with_model(|m| m.saved.save())
    }

    /// Reads a model file the user picked; refuses a bad one with a message, keeping the
    /// current model.
    pub fn load_file(&self, name: &str, bytes: &[u8]) {
        match load_for_text(bytes) {
            Ok(model) => {
                self.file_error.set(None);
                self.adopt(model, &format!("loaded from the file {name}"));
            }
            Err(e) => {
                self.file_error.set(Some(format!("{name} was not loaded: {e}. The form keeps its model.")))
            }
        }
    }

    /// Restores the model kept by an earlier visit, if any.
    fn restore_kept(&self) {
        let kept = stored(local_storage(), KEPT_MODEL_KEY);
        let Some(bytes) = kept.and_then(|k| URL_SAFE_NO_PAD.decode(k).ok()) else { return };
        if let Ok(model) = load_for_text(&bytes) {
            self.own_source.set("kept in this browser from an earlier visit".into());
            self.put(ModelSlot::Trained, model);
        }
    }

    /// Whether `slot` holds a model (or one is loading into it).
    fn has(&self, slot: ModelSlot) -> bool {
        self.slots[slot.index()].info.get_untracked().is_some()
    }

    /// The chosen model's description, if it is loaded.
    pub fn info(&self) -> Option<ModelInfo> {
        self.slots[self.slot.get().index()].info.get().and_then(Result::ok)
    }

    /// Runs `f` on the chosen model.
    pub fn with_model<T>(&self, f: impl FnOnce(&FormModel) -> T) -> Option<T> {
        self.slots[self.slot.get_untracked().index()].model.with_value(|m| m.as_ref().map(f))
    }

    /// Keeps `model` in `slot` (on the CPU device) and describes it.
    pub fn put(&self, slot: ModelSlot, model: AnyModel) {
        let state = self.slots[slot.index()];
        state.info.set(Some(Ok(ModelInfo::of(&model))));
        let cipher = AnyCipher::of(&model, &Device::flex());
        state.model.set_value(Some(FormModel { saved: model, cipher }));
        state.generation.update(|g| *g += 1);
        self.revision.update(|r| *r += 1);
    }

    /// Loads the three shipped models from the site's own `models/` folder, and the model
    /// kept from an earlier visit.
    pub fn load_shipped(self) {
        self.restore_kept();
        // The model the form used before a reload (the trained one only if it was kept).
        let before = tab_storage::form_model().and_then(|k| ModelSlot::from_key(&k));
        if let Some(slot) = before.filter(|s| *s != ModelSlot::Trained || self.has(ModelSlot::Trained)) {
            self.slot.set(slot);
        }
        Effect::new(move |_| tab_storage::keep_form_model(self.slot.get().key()));
        let shipped = [ModelSlot::ShippedPoc8, ModelSlot::ShippedSeed16, ModelSlot::ShippedOwnEve16];
        for (slot, file) in shipped.map(|s| (s, format!("models/{}.bin", s.key()))) {
            leptos::task::spawn_local(async move {
                match fetch_bytes(&file).await.and_then(|b| load_for_text(&b)) {
                    Ok(model) => self.put(slot, model),
                    Err(e) => {
                        self.slots[slot.index()].info.set(Some(Err(format!("could not load {file}: {e}"))))
                    }
                }
            });
        }
    }
}

impl Default for MessageForm {
    fn default() -> Self {
        Self::new()
    }
}

/// Where the form's own model is kept between visits (base64url of the model file).
const KEPT_MODEL_KEY: &str = "anc.model";

/// Keeps `model` as the form's own for the next visit.
fn keep(model: &AnyModel) {
    let bytes = model.save();
    store(local_storage(), KEPT_MODEL_KEY, Some(&URL_SAFE_NO_PAD.encode(bytes)));
}

/// A model file the form can use, read on the CPU device: either kind, whose blocks hold a
/// character; else why not.
pub fn load_for_text(bytes: &[u8]) -> Result<AnyModel, String> {
    let model = AnyModel::load(bytes, &Device::flex()).map_err(|e| e.to_string())?;
    if model.bits() < CODE_BITS {
        return Err(format!(
            "a model of {} bits cannot hold a character of {CODE_BITS} bits: the form takes models of {CODE_BITS} bits or more",
            model.bits()
        ));
    }
    Ok(model)
}

/// A new random key of `bits` bits.
pub fn new_key(bits: usize) -> Key {
    let mut random = crypto_bits(bits).into_iter();
    Key::random(bits, || random.next().unwrap_or(false))
}
