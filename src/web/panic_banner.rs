//! A last-resort message for a crash (a panic aborts the wasm module, so Leptos can no
//! longer draw): written straight into the page with web-sys, with a way back on the CPU.

/// Installs a panic hook that logs to the console and shows a banner on the page.
pub fn install() {
    console_error_panic_hook::set_once();
    let console_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        console_hook(info);
        show(&info.to_string());
    }));
}

fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(banner) = document.create_element("div") else { return };
    banner.set_class_name("crash");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "crash");
    banner.set_text_content(Some(&format!(
        "The app stopped: {message}. The losses so far were saved in this tab; reload \
         (or choose the CPU backend) to see them and go on."
    )));
    let Ok(link) = document.create_element("a") else { return };
    let _ = link.set_attribute("href", "?backend=cpu");
    link.set_text_content(Some(" Reload on the CPU backend"));
    let _ = banner.append_child(&link);
    if let Some(body) = document.body() {
        let _ = body.prepend_with_node_1(&banner);
    }
}
