//! The page's components, one per file.

pub mod after_first_paint;
pub mod app;
pub mod backend_badge;
pub mod cipher_views;
pub mod ciphertext_values_chart;
pub mod continued_eve_panel;
pub mod controls;
pub mod earlier_runs;
pub mod explainer;
pub mod form_field;
pub mod key_avalanche_map;
pub mod key_search_panel;
pub mod loss_chart;
pub mod messages_panel;
pub mod model_picker;
pub mod one_message;
pub mod per_bit_errors;
pub mod population_member;
pub mod population_panel;
pub mod progress_bar;
pub mod results;
pub mod scrolling_table;
pub mod share_link;
pub mod steps_field;
pub mod suite_panel;
pub mod use_trained;
