//! The worker's post batching: slices' rows kept in order until a post is due, then handed
//! over once with the seconds they took.

use anc::app::unposted::Unposted;

#[test]
fn the_first_post_is_due_at_once_and_the_next_only_after_the_interval() {
    let mut unposted = Unposted::every(60_000.0);
    assert!(unposted.due(), "nothing posted yet");
    assert_eq!(unposted.take(), None, "nothing kept: nothing to post");
    assert!(unposted.due(), "an empty take is not a post");
    unposted.add(vec![1, 2], 0.1);
    assert_eq!(unposted.take(), Some((vec![1, 2], 0.1)));
    unposted.add(vec![3], 0.1);
    assert!(!unposted.due(), "a minute has not passed since the last post");
}

#[test]
fn slices_are_kept_in_order_with_their_seconds_until_taken() {
    let mut unposted = Unposted::every(0.0);
    unposted.add(vec!["a", "b"], 0.25);
    unposted.add(vec![], 0.0);
    unposted.add(vec!["c"], 0.5);
    assert!(unposted.due());
    assert_eq!(unposted.take(), Some((vec!["a", "b", "c"], 0.75)));
    // Taken means gone: the next post starts from nothing.
    assert_eq!(unposted.take(), None);
    unposted.add(vec!["d"], 0.125);
    assert!(unposted.due(), "with no interval a post is always due");
    assert_eq!(unposted.take(), Some((vec!["d"], 0.125)));
}
