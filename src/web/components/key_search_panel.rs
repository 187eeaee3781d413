//! The key search: every key tried on the ciphertext with Bob's stolen network, readings
//! ranked by how English-like they are, with progress, speed and the true key's rank.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::nn::steps::Steps;
use crate::text::brute_force::{Candidate, KeyScore, KeySearch, MAX_KEY_BITS};
use crate::text::codec::Ciphertext;
use crate::text::english;
use crate::text::key::Key;
use crate::web::job::{Progress, Status};
use crate::web::message_form::MessageForm;
use crate::web::slices::{Job, LoopEnd};

/// What the search found, once it is over.
#[derive(Clone, Debug, PartialEq, Default)]
struct Found {
    best: Vec<Candidate>,
    rank: Option<usize>,
}

#[component]
pub fn KeySearchPanel() -> impl IntoView {
    let text = MessageForm::get();
    // The search runs on the page's one slice loop, like training and the audits.
    let job = Job {
        status: RwSignal::new(Status::Idle),
        generation: RwSignal::new(0),
        mine: 0,
        history: RwSignal::new(Vec::<KeyScore>::new()),
        progress: RwSignal::new(Progress::default()),
        redraw: RwSignal::new(0),
    };
    let found = RwSignal::new(Found::default());
    let error = RwSignal::new(None::<String>);
    let running = move || job.status.get() == Status::Running;
    let start = move |_| {
        let Some(info) = text.info() else { return };
        let stop = |message: String| {
            job.generation.update(|g| *g += 1);
            job.status.set(Status::Idle);
            job.progress.set(Progress::default());
            found.set(Found::default());
            error.set(Some(message));
        };
        let ciphertext = match Ciphertext::parse(&text.ciphertext.get_untracked(), &info.preset, info.bits) {
            Ok(c) => c,
            Err(e) => return stop(format!("encrypt or paste a ciphertext first: {e}")),
        };
        if info.bits > MAX_KEY_BITS {
            return stop(format!("{} bits is too many keys to try here", info.bits));
        }
        let true_key = Key::parse(&text.key_text.get_untracked(), info.bits).ok();
        let Some(search) = text.with_model(|m| KeySearch::new(&m.cipher, ciphertext)) else { return };
        job.generation.update(|g| *g += 1);
        let job = Job { mine: job.generation.get_untracked(), ..job };
        job.history.set(Vec::new());
        job.progress.set(Progress { done: 0, total: search.total(), seconds: 0.0 });
        job.status.set(Status::Running);
        found.set(Found::default());
        error.set(None);
        let search = StoredValue::new_local(search);
        spawn_local(async move {
            let work =
                |keys| search.try_update_value(|s| (!s.is_done()).then(|| (s.run(keys), s.done()))).flatten();
            match job.run(u64::MAX, work, || {}).await {
                LoopEnd::Finished => {}
                LoopEnd::Abandoned => return,
                LoopEnd::Failed(e) => {
                    job.status.set(Status::Failed(e.to_string()));
                    return error.set(Some(e.to_string()));
                }
            }
            // The scores are kept in the search: the loop's copy is not needed.
            job.history.set(Vec::new());
            let best = search.with_value(|s| s.best(5));
            let rank = true_key.and_then(|k| search.with_value(|s| s.rank_of(&k)));
            found.set(Found { best, rank });
            job.status.set(Status::Done);
        });
    };
    let progress = move || {
        let p = job.progress.get();
        (p.total > 0).then(|| {
            format!(
                "{} of {} keys tried · {:.0} keys/s",
                p.done,
                p.total,
                p.done as f64 / p.seconds.max(1e-3)
            )
        })
    };
    // Short messages give the ranking too little to go on: say so, with the measured length.
    let short = move || {
        let info = text.info()?;
        let c = Ciphertext::parse(&text.ciphertext.get(), &info.preset, info.bits).ok()?;
        (c.chars < english::SHORTEST_RANKABLE).then(|| {
            format!(
                "This message has {} characters: under {}, the true key often does not rank first (the readings give too little English to tell them apart).",
                c.chars,
                english::SHORTEST_RANKABLE
            )
        })
    };
    let rank = move || {
        (job.status.get() == Status::Done).then(|| match found.get().rank {
            Some(r) => {
                format!("The true key (the one in the key field) ranks #{r} of {}.", job.progress.get().total)
            }
            None => "Type the true key in the key field to see where it ranks.".to_string(),
        })
    };
    view! {
        <div class="key-search" data-testid="key-search">
            <h3>"Brute force: an attacker with Bob's network but not the key"</h3>
            <p class="note">
                "She decrypts the ciphertext with every possible key and ranks the readings by how many "
                "common English words they hold and how much their letters look like English. With 8 or 16 key bits there are only 256 or 65,536 keys: "
                "that is why real ciphers use keys of 128 bits or more."
            </p>
            <button type="button" data-testid="brute-force" prop:disabled=running on:click=start>
                {move || text.info().map_or("Try every key".to_string(), |i| format!("Try all {} keys", 1u64 << i.bits.min(MAX_KEY_BITS)))}
            </button>
            <progress max=move || job.progress.get().total.max(1) as f64 value=move || job.progress.get().done as f64></progress>
            <p data-testid="brute-force-progress" role="status">{progress}</p>
            <p class="error" data-testid="key-search-error">{move || error.get()}</p>
            <ol class="candidates" data-testid="candidates">
                {move || found.get().best.into_iter().map(|c| view! {
                    <li><code>{c.key.to_hex()}</code> " — " <span class="reading-text">{english::text(&c.codes)}</span></li>
                }).collect_view()}
            </ol>
            <p data-testid="true-key-rank">{rank}</p>
            <p class="note" data-testid="too-short-to-rank">{short}</p>
        </div>
    }
}
