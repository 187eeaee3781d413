//! The flat optimiser against burn's own: the same steps bit for bit, each module with its
//! own state, and parameters without a gradient left alone; a step on a flat gradient
//! vector (what the replicas sum) the same as on the gradients.

use anc::Preset;
use anc::nn::data::BitSource;
use anc::nn::inference::Runner;
use anc::nn::losses::bits_wrong_loss;
use anc::nn::model::Network;
use anc::nn::optimizer::{FlatOptimizer, keras_adam, keras_rms_prop};
use anc::nn::replicas::flat_gradient;
use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;

/// Every parameter of `module`, flattened, in its order.
fn values(module: &impl Module) -> Vec<f32> {
    struct Collect(Vec<f32>);
    impl ModuleVisitor for Collect {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            self.0.extend(param.val().into_data().iter::<f32>());
        }
    }
    let mut all = Collect(Vec::new());
    module.visit(&mut all);
    all.0
}

/// How many parameter tensors `module` has.
fn tensors(module: &impl Module) -> usize {
    struct Count(usize);
    impl ModuleVisitor for Count {
        fn visit_float<const D: usize>(&mut self, _: &Param<Tensor<D>>) {
            self.0 += 1;
        }
    }
    let mut count = Count(0);
    module.visit(&mut count);
    count.0
}

/// Alice's and Bob's gradients of Bob's loss on `batch`.
fn grads(alice: &Network, bob: &Network, runner: &Runner, seed: u64) -> (GradientsParams, GradientsParams) {
    let batch = BitSource::new(seed).batch(64, 16, runner.device());
    let guess = runner.decrypt(bob, runner.encrypt(alice, &batch), batch.keys.clone());
    let mut grads = bits_wrong_loss(batch.messages, guess).backward();
    (GradientsParams::from_module(&mut grads, alice), GradientsParams::from_module(&mut grads, bob))
}

#[test]
fn the_flat_optimiser_steps_exactly_like_burns_own() {
    let device = Device::flex().autodiff();
    let runner = Runner::new(16, &device);
    let cipher = Preset::Seed16.config().cipher;
    let (adam, rms) = (keras_adam(), keras_rms_prop());
    let rules: [(&str, FlatOptimizer, ModuleOptimizer); 2] = [
        ("Adam", FlatOptimizer::adam(&adam), adam.init()),
        ("RMSProp", FlatOptimizer::rms_prop(&rms), rms.init()),
    ];
    for (name, mut flat, mut burns) in rules {
        let start = cipher.init(3, &device);
        let (mut flat_nets, mut burn_nets) =
            ((start.alice.clone(), start.bob.clone()), (start.alice, start.bob));
        let initial_bob = values(&flat_nets.1);
        // Alice and Bob share each optimiser, as in training: each keeps its own state.
        for step in 0..4 {
            let lr = 0.001 * (step + 1) as f64;
            let (fa, fb) = grads(&flat_nets.0, &flat_nets.1, &runner, step);
            let (ba, bb) = grads(&burn_nets.0, &burn_nets.1, &runner, step);
            flat_nets = (flat.step(lr, flat_nets.0, fa), flat.step(lr, flat_nets.1, fb));
            burn_nets = (burns.step(lr, burn_nets.0, ba), burns.step(lr, burn_nets.1, bb));
            assert_eq!(values(&flat_nets.0), values(&burn_nets.0), "{name}: Alice after step {step}");
            assert_eq!(values(&flat_nets.1), values(&burn_nets.1), "{name}: Bob after step {step}");
        }
        assert_ne!(values(&flat_nets.1), initial_bob, "{name}: the steps moved Bob");
        // The moved parameters still take part in autodiff: every one gets a gradient.
        let (_, next) = grads(&flat_nets.0, &flat_nets.1, &runner, 9);
        assert_eq!(next.len(), tensors(&flat_nets.1), "{name}: gradients after a flat step");
    }
}

#[test]
fn a_parameter_without_a_gradient_stays_put_and_the_rest_move_as_with_burn() {
    let device = Device::flex().autodiff();
    let runner = Runner::new(16, &device);
    let adam = AdamConfig::new();
    let (mut flat, mut burns) = (FlatOptimizer::adam(&adam), adam.init());
    let start = Preset::Seed16.config().cipher.init(4, &device);
    let (_, mut flat_grads) = grads(&start.alice, &start.bob, &runner, 1);
    let (_, mut burn_grads) = grads(&start.alice, &start.bob, &runner, 1);
    let id = start.bob.conv1.weight.id;
    assert!(flat_grads.remove::<3>(id).is_some() && burn_grads.remove::<3>(id).is_some());
    let moved = flat.step(0.01, start.bob.clone(), flat_grads);
    let weight = |net: &Network| net.conv1.weight.val().into_data().try_into_vec::<f32>().unwrap();
    assert_eq!(weight(&moved), weight(&start.bob), "no gradient, no move");
    assert_ne!(values(&moved.conv1.bias), values(&start.bob.conv1.bias), "its neighbour moves");
    assert_eq!(values(&moved), values(&burns.step(0.01, start.bob, burn_grads)));
}

#[test]
#[should_panic(expected = "the same parameters every time")]
fn a_module_whose_parameters_change_between_steps_is_refused() {
    let device = Device::flex().autodiff();
    let runner = Runner::new(16, &device);
    let mut flat = FlatOptimizer::adam(&AdamConfig::new());
    let start = Preset::Seed16.config().cipher.init(4, &device);
    let (_, all) = grads(&start.alice, &start.bob, &runner, 1);
    let bob = flat.step(0.01, start.bob, all);
    let (_, mut fewer) = grads(&start.alice, &bob, &runner, 2);
    fewer.remove::<3>(bob.conv2.weight.id);
    flat.step(0.01, bob, fewer);
}

#[test]
fn a_step_on_flat_gradients_is_the_same_as_on_the_gradients() {
    let device = Device::flex().autodiff();
    let runner = Runner::new(16, &device);
    let cipher = Preset::Seed16.config().cipher;
    let (adam, rms) = (keras_adam(), keras_rms_prop());
    let rules = [
        ("Adam", FlatOptimizer::adam(&adam), FlatOptimizer::adam(&adam)),
        ("RMSProp", FlatOptimizer::rms_prop(&rms), FlatOptimizer::rms_prop(&rms)),
    ];
    for (name, mut by_flat, mut by_grads) in rules {
        let start = cipher.init(5, &device);
        let (mut flat_nets, mut grad_nets) =
            ((start.alice.clone(), start.bob.clone()), (start.alice, start.bob));
        let initial_alice = values(&flat_nets.0);
        for step in 0..3 {
            let lr = 0.002 * (step + 1) as f64;
            let (fa, fb) = grads(&flat_nets.0, &flat_nets.1, &runner, 20 + step);
            let (ga, gb) = grads(&grad_nets.0, &grad_nets.1, &runner, 20 + step);
            let (fa, fb) = (flat_gradient(&flat_nets.0, &fa), flat_gradient(&flat_nets.1, &fb));
            flat_nets = (by_flat.step_flat(lr, flat_nets.0, fa), by_flat.step_flat(lr, flat_nets.1, fb));
            grad_nets = (by_grads.step(lr, grad_nets.0, ga), by_grads.step(lr, grad_nets.1, gb));
            assert_eq!(values(&flat_nets.0), values(&grad_nets.0), "{name}: Alice after step {step}");
            assert_eq!(values(&flat_nets.1), values(&grad_nets.1), "{name}: Bob after step {step}");
        }
        assert_ne!(values(&flat_nets.0), initial_alice, "{name}: the steps moved Alice");
        let (next, _) = grads(&flat_nets.0, &flat_nets.1, &runner, 9);
        assert_eq!(next.len(), tensors(&flat_nets.0), "{name}: gradients after a step on flat gradients");
    }
}
