//! The message form's share link: the settings (and, if asked, the ciphertext and the key)
//! in a link's `#` part, and copying it.

use leptos::prelude::*;

use crate::app::link_model::LONG_LINK;
use crate::app::report::grouped;
use crate::web::browser::files;
use crate::web::lab::Lab;
use crate::web::message_form::{MessageForm, ModelSlot};
use crate::web::share::{Extras, link};

#[component]
pub fn ShareLink() -> impl IntoView {
    let (lab, text) = (Lab::get(), MessageForm::get());
    let share_key = RwSignal::new(false);
    let share_ciphertext = RwSignal::new(true);
    let share_link = RwSignal::new(String::new());
    let copied = RwSignal::new(None::<String>);
    view! {
        <div class="share">
            <label><input type="checkbox" data-testid="share-ciphertext" prop:checked=move || share_ciphertext.get()
                on:change=move |ev| share_ciphertext.set(event_target_checked(&ev))/>" include the ciphertext"</label>
            <label><input type="checkbox" data-testid="share-key" prop:checked=move || share_key.get()
                on:change=move |ev| share_key.set(event_target_checked(&ev))/>
                " include the key — anyone with the link can then read the message"</label>
            <button type="button" data-testid="make-share-link" on:click=move |_| {
                let extras = Extras { ciphertext: share_ciphertext.get_untracked(), key: share_key.get_untracked() };
                share_link.set(link(lab, text, extras));
                copied.set(None);
            }>"Make a share link"</button>
            <Show when=move || !share_link.get().is_empty()>
                <div class="row">
                    <input type="text" readonly data-testid="share-link" aria-label="Share link" prop:value=move || share_link.get()/>
                    <button type="button" data-testid="copy-share-link" on:click=move |_| {
                        let link = share_link.get_untracked();
                        leptos::task::spawn_local(async move {
                            copied.set(Some(match files::copy_text(&link).await {
                                Ok(()) => "Copied to the clipboard.".to_string(),
                                Err(()) => "The browser did not allow copying: select the link and copy it.".to_string(),
                            }));
                        });
                    }>"Copy"</button>
                </div>
                <p class="note" data-testid="share-copied" role="status">{move || copied.get()}</p>
                {move || {
                    let length = share_link.with(String::len);
                    (length > LONG_LINK).then(|| view! {
                        <p class="warning" data-testid="share-long" role="status">
                            {format!(
                                "This link is {} characters long{}. Some chat apps and mail programs cut links this long: if the page it opens says the link is damaged, send the model file (Download model) and the ciphertext instead.",
                                grouped(length),
                                if text.slot.get_untracked() == ModelSlot::Trained { ", because it carries the whole model" } else { "" }
                            )}
                        </p>
                    })
                }}
                <p class="note">"The settings travel in the part after #, which browsers never send to a server. "
                    "A shipped model travels by name; a model trained here or loaded from a file travels whole inside the link. "
                    "A link made on 127.0.0.1 (this computer) opens the reader's own computer: share a link to where the page is hosted."</p>
            </Show>
        </div>
    }
}
