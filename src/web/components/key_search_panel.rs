//! The key search: every key tried on the ciphertext with Bob's stolen network, readings
//! ranked by how English-like they are, with progress, speed and the true key's rank.

use burn::prelude::*;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::brute_force::{Candidate, KeySearch, MAX_KEY_BITS};
use crate::codec::{Ciphertext, Key};
use crate::english;
use crate::web::session::now_ms;
use crate::web::slices::next_slice;
use crate::web::text_lab::TextLab;
use crate::web::yield_now::yield_now;

#[derive(Clone, Debug, PartialEq, Default)]
struct SearchView {
    running: bool,
    tried: u64,
    total: u64,
    seconds: f64,
    best: Vec<Candidate>,
    rank: Option<usize>,
    error: Option<String>,
}

#[component]
pub fn KeySearchPanel() -> impl IntoView {
    let text = TextLab::get();
    let view_state = RwSignal::new(SearchView::default());
    let generation = StoredValue::new(0u64);
    let start = move |_| {
        let Some(info) = text.info() else { return };
        let ciphertext = match Ciphertext::parse(&text.ciphertext.get_untracked(), &info.preset, info.bits) {
            Ok(c) => c,
            Err(e) => {
                return view_state.set(SearchView {
                    error: Some(format!("encrypt or paste a ciphertext first: {e}")),
                    ..Default::default()
                });
            }
        };
        if info.bits > MAX_KEY_BITS {
            return view_state.set(SearchView {
                error: Some(format!("{} bits is too many keys to try here", info.bits)),
                ..Default::default()
            });
        }
        let true_key = Key::parse(&text.key_text.get_untracked(), info.bits).ok();
        let Some(search) = text.with_model(|m| KeySearch::new(&m.ciphers, ciphertext, &Device::flex()))
        else {
            return;
        };
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let search = StoredValue::new_local(search);
        view_state.set(SearchView {
            running: true,
            total: search.with_value(KeySearch::total),
            ..Default::default()
        });
        spawn_local(async move {
            let mut keys = 16u64;
            loop {
                if generation.get_value() != mine {
                    return;
                }
                let t0 = now_ms();
                let (tried, done) = search
                    .try_update_value(|s| {
                        s.step(keys);
                        (s.tried(), s.is_done())
                    })
                    .unwrap_or((0, true));
                let elapsed = now_ms() - t0;
                keys = next_slice(keys, elapsed, u64::MAX);
                view_state.update(|v| {
                    v.tried = tried;
                    v.seconds += elapsed / 1000.0;
                });
                if done {
                    break;
                }
                yield_now().await;
            }
            let best = search.with_value(|s| s.best(5));
            let rank = true_key.and_then(|k| search.with_value(|s| s.rank_of(&k)));
            view_state.update(|v| {
                v.running = false;
                v.best = best;
                v.rank = rank;
            });
        });
    };
    let progress = move || {
        let v = view_state.get();
        (v.total > 0).then(|| {
            format!(
                "{} of {} keys tried · {:.0} keys/s",
                v.tried,
                v.total,
                v.tried as f64 / v.seconds.max(1e-3)
            )
        })
    };
    let rank = move || {
        let v = view_state.get();
        (!v.running && v.total > 0 && v.tried == v.total).then(|| match v.rank {
            Some(r) => format!("The true key (the one in the key field) ranks #{r} of {}.", v.total),
            None => "Type the true key in the key field to see where it ranks.".to_string(),
        })
    };
    view! {
        <div class="key-search" data-testid="key-search">
            <h3>"Brute force: an attacker with Bob's network but not the key"</h3>
            <p class="note">
                "She decrypts the ciphertext with every possible key and ranks the readings by how much "
                "their letters look like English. With 8 or 16 key bits there are only 256 or 65,536 keys: "
                "that is why real ciphers use keys of 128 bits or more."
            </p>
            <button type="button" data-testid="brute-force" prop:disabled=move || view_state.get().running on:click=start>
                {move || text.info().map_or("Try every key".to_string(), |i| format!("Try all {} keys", 1u64 << i.bits.min(MAX_KEY_BITS)))}
            </button>
            <progress max=move || view_state.get().total.max(1) as f64 value=move || view_state.get().tried as f64></progress>
            <p data-testid="brute-force-progress" role="status">{progress}</p>
            <p class="error" data-testid="key-search-error">{move || view_state.get().error}</p>
            <ol class="candidates" data-testid="candidates">
                {move || view_state.get().best.into_iter().map(|c| view! {
                    <li><code>{c.key.to_hex()}</code> " — " <span class="reading-text">{english::text(&c.codes)}</span></li>
                }).collect_view()}
            </ol>
            <p data-testid="true-key-rank">{rank}</p>
        </div>
    }
}
