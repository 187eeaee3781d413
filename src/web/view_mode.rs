//! How much of the lab the page shows: the class view (the default on a first visit: the
//! three steps with one button each, the rest folded under "details") or the full lab.
//! The choice is kept in this browser.

use leptos::prelude::*;

use crate::web::browser::{local_storage, store, stored};

/// Where the choice is kept.
const VIEW_KEY: &str = "anc.view";

/// The page's view, in context.
#[derive(Clone, Copy)]
pub struct ViewMode {
    /// Whether the class view folds the lab's details.
    pub class: RwSignal<bool>,
}

impl ViewMode {
    /// The view kept in this browser, or the class view on a first visit.
    pub fn new() -> Self {
        let class = stored(local_storage(), VIEW_KEY).as_deref() != Some("lab");
        Self { class: RwSignal::new(class) }
    }

    /// The view put in context by the app.
    ///
    /// # Panics
    /// Outside the app's component tree.
    pub fn get() -> Self {
        use_context::<ViewMode>().expect("components are used inside <App/>, which provides the view mode")
    }

    /// Switches to the class view (`true`) or the full lab, and keeps the choice.
    pub fn set_class(self, class: bool) {
        self.class.set(class);
        store(local_storage(), VIEW_KEY, Some(if class { "class" } else { "lab" }));
    }
}

impl Default for ViewMode {
    fn default() -> Self {
        Self::new()
    }
}
