//! What the page shows, in a picture and a few sentences.

use leptos::prelude::*;

/// Alice, Bob and Eve: who sees what (the curves' key is under the loss chart).
#[component]
pub fn Explainer() -> impl IntoView {
    view! {
        <section class="explainer" aria-labelledby="idea-title">
            <h2 id="idea-title">"The idea"</h2>
            <svg class="diagram" viewBox="0 0 640 200" role="img" aria-labelledby="diagram-title" data-testid="diagram">
                <title id="diagram-title">"Alice encrypts P with key K into C; Bob decrypts C with K; Eve sees only C"</title>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" fill="#334155"/>
                    </marker>
                </defs>
                <g font-family="sans-serif" font-size="15" text-anchor="middle">
                    <rect x="20" y="60" width="110" height="56" rx="10" fill="#dbeafe" stroke="#2563eb"/>
                    <text x="75" y="93">"Alice"</text>
                    <rect x="480" y="60" width="110" height="56" rx="10" fill="#dcfce7" stroke="#16a34a"/>
                    <text x="535" y="93">"Bob"</text>
                    <rect x="250" y="140" width="110" height="50" rx="10" fill="#fee2e2" stroke="#dc2626"/>
                    <text x="305" y="170">"Eve"</text>
                    <text x="75" y="30">"message P"</text>
                    <line x1="75" y1="36" x2="75" y2="58" stroke="#334155" marker-end="url(#arrow)"/>
                    <line x1="132" y1="88" x2="476" y2="88" stroke="#334155" stroke-width="2" marker-end="url(#arrow)"/>
                    <text x="305" y="80">"ciphertext C"</text>
                    <line x1="305" y1="90" x2="305" y2="136" stroke="#dc2626" stroke-dasharray="4 3" marker-end="url(#arrow)"/>
                    <text x="305" y="18">"shared key K"</text>
                    <path d="M250,22 Q75,22 75,56" fill="none" stroke="#a16207" stroke-dasharray="5 3"/>
                    <path d="M360,22 Q535,22 535,56" fill="none" stroke="#a16207" stroke-dasharray="5 3" marker-end="url(#arrow)"/>
                    <text x="535" y="140">"guess of P"</text>
                    <text x="372" y="180" text-anchor="start">"guess of P, without K"</text>
                </g>
            </svg>
            <p>
                "Three small neural networks start out knowing nothing. " <strong>"Alice"</strong>
                " turns a 16-bit message and a 16-bit key into a ciphertext. " <strong>"Bob"</strong>
                " gets the ciphertext and the same key and must recover the message. " <strong>"Eve"</strong>
                " sees only the ciphertext and tries too. Alice and Bob are rewarded when Bob reads the message "
                "and Eve does no better than guessing; Eve is trained, in turn, to read it anyway."
            </p>
        </section>
    }
}
