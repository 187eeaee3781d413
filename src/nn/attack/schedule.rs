//! The one way attackers are scheduled: the command line's threads, the page's engine
//! workers and a population's screening all deal a suite's attackers with [`deal`] (and the
//! distinguisher with [`deal_with_distinguisher`]).

use super::kinds::AttackerKind;

/// Deals `kinds` to `lanes` lanes (threads or engine workers) that train side by side, so
/// that they finish about together: the costliest first ([`AttackerKind::cost`]), each to
/// the lane with the least work so far (longest-processing-time-first). Each lane's list is
/// in the order it runs, costliest first; lanes left without work are empty. The figures do
/// not depend on the deal: an attacker's seeds come from its kind, not its place.
///
/// # Panics
/// If `lanes` is 0.
pub fn deal(kinds: &[AttackerKind], lanes: usize) -> Vec<Vec<AttackerKind>> {
    assert!(lanes > 0, "at least one lane");
    let mut sorted = kinds.to_vec();
    // Stable: equal costs keep the suite's order.
    sorted.sort_by_key(|k| std::cmp::Reverse(k.cost()));
    let mut out = vec![Vec::new(); lanes];
    let mut load = vec![0; lanes];
    for kind in sorted {
        let lane = (0..lanes).min_by_key(|&l| load[l]).expect("a lane");
        load[lane] += kind.cost();
        out[lane].push(kind);
    }
    out
}

/// [`deal`], then the distinguisher (if it plays) to the lane with the least work: each
/// lane's readers, and whether it plays the distinguisher after them.
pub fn deal_with_distinguisher(
    kinds: &[AttackerKind],
    distinguisher: bool,
    lanes: usize,
) -> Vec<(Vec<AttackerKind>, bool)> {
    let dealt = deal(kinds, lanes);
    let load = |lane: &Vec<AttackerKind>| lane.iter().map(|k| k.cost()).sum::<usize>();
    let lightest = (0..dealt.len()).min_by_key(|&l| load(&dealt[l])).expect("a lane");
    dealt.into_iter().enumerate().map(|(l, lane)| (lane, distinguisher && l == lightest)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attacker_is_dealt_once_costliest_first_and_the_lanes_balance() {
        let all = AttackerKind::ALL;
        for lanes in 1..=8 {
            let dealt = deal(&all, lanes);
            assert_eq!(dealt.len(), lanes);
            let mut seen: Vec<_> = dealt.iter().flatten().copied().collect();
            seen.sort();
            assert_eq!(seen, all.to_vec(), "{lanes} lanes: each once");
            for lane in &dealt {
                assert!(lane.windows(2).all(|w| w[0].cost() >= w[1].cost()), "{lane:?}");
            }
        }
        let two = deal(&all, 2);
        let loads: Vec<usize> = two.iter().map(|l| l.iter().map(|k| k.cost()).sum()).collect();
        let total: usize = all.iter().map(|k| k.cost()).sum();
        // No lane carries more than half the work plus the costliest attacker.
        assert!(loads.iter().all(|&l| l <= total / 2 + AttackerKind::BinnedResidual.cost()), "{loads:?}");
        assert_eq!(deal(&all, 1)[0][0], AttackerKind::BinnedResidual);
        assert_eq!(deal(&[AttackerKind::Bayes], 3), vec![vec![AttackerKind::Bayes], vec![], vec![]]);
    }

    #[test]
    fn the_distinguisher_goes_to_the_lightest_lane_once_or_not_at_all() {
        for lanes in 1..=4 {
            let dealt = deal_with_distinguisher(&AttackerKind::ALL, true, lanes);
            assert_eq!(dealt.iter().filter(|(_, d)| *d).count(), 1, "{lanes} lanes");
            let loads: Vec<usize> = dealt.iter().map(|(l, _)| l.iter().map(|k| k.cost()).sum()).collect();
            let lane = dealt.iter().position(|(_, d)| *d).unwrap();
            assert_eq!(loads[lane], *loads.iter().min().unwrap());
            let readers: Vec<_> = dealt.iter().map(|(l, _)| l.clone()).collect();
            assert_eq!(readers, deal(&AttackerKind::ALL, lanes), "the readers are dealt as ever");
            assert!(deal_with_distinguisher(&AttackerKind::ALL, false, lanes).iter().all(|(_, d)| !d));
        }
    }
}
