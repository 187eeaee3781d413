//! The optimisers: burn's Adam or RMSProp, stepped over a whole network at once.
//!
//! burn's `ModuleOptimizer` steps each parameter tensor on its own: about a dozen
//! element-wise ops per tensor and ~30 tensors per network, so hundreds of tiny ops per
//! step (each a kernel launch on a GPU, an allocation on the CPU) for networks of a few
//! thousand weights. [`FlatOptimizer`] lays a network's parameters and gradients end to
//! end, runs the same burn optimiser once on the two long vectors, and hands each
//! parameter its part back. The arithmetic is the same element by element (so the
//! results are the same bits), with a few ops per tensor instead of a dozen. Written here
//! because burn 0.22 has no multi-tensor ("foreach") optimiser.

use std::collections::HashMap;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::optim::{Adam, AdamConfig, GradientsParams, LearningRate, Optimizer, RmsProp, RmsPropConfig};
use burn::prelude::*;

use crate::nn::config::OptimizerKind;

/// Builds the optimiser of the configured kind with Keras/TensorFlow constants.
pub fn optimizer(kind: OptimizerKind) -> FlatOptimizer {
    match kind {
        OptimizerKind::RmsProp => FlatOptimizer::rms_prop(&keras_rms_prop()),
        OptimizerKind::Adam => FlatOptimizer::adam(&keras_adam()),
    }
}

/// burn's Adam settings with Keras/TensorFlow's constants.
pub fn keras_adam() -> AdamConfig {
    AdamConfig::new().with_beta_1(0.9).with_beta_2(0.999).with_epsilon(1e-8)
}

/// burn's RMSProp settings with Keras/TensorFlow's constants (no momentum).
pub fn keras_rms_prop() -> RmsPropConfig {
    RmsPropConfig::new().with_alpha(0.9).with_momentum(0.0).with_epsilon(1e-7)
}

/// Adam or RMSProp over every parameter of a module as one vector. Like burn's
/// `ModuleOptimizer`, one optimiser may step several modules (Alice and Bob share one):
/// each keeps its own state, under its first parameter's id.
#[derive(Clone)]
pub struct FlatOptimizer {
    rule: Rule,
}

/// The update rule, as burn implements it, with each stepped module's state.
#[derive(Clone)]
enum Rule {
    Adam(Stepper<Adam>),
    RmsProp(Stepper<RmsProp>),
}

/// A burn optimiser and, for each module it has stepped, the length of its flattened
/// parameters and its state over them.
#[derive(Clone)]
struct Stepper<O: Optimizer> {
    optim: O,
    states: HashMap<ParamId, (usize, O::State<1>)>,
}

impl<O: Optimizer> Stepper<O> {
    fn new(optim: O) -> Self {
        Self { optim, states: HashMap::new() }
    }

    /// One step of the module `key` names: its flat `params` moved by its flat `grads`.
    fn step(&mut self, key: ParamId, lr: LearningRate, params: Tensor<1>, grads: Tensor<1>) -> Tensor<1> {
        let len = params.dims()[0];
        let state = self.states.remove(&key).map(|(was, state)| {
            assert_eq!(was, len, "a module steps the same parameters every time");
            state
        });
        let (moved, state) = self.optim.step(lr, params, grads, state);
        self.states.insert(key, (len, state.expect("Adam and RMSProp keep a state")));
        moved
    }
}

impl FlatOptimizer {
    /// burn's Adam with `config` (its gradient clipping is not applied).
    pub fn adam(config: &AdamConfig) -> Self {
        Self { rule: Rule::Adam(Stepper::new(config.build())) }
    }

    /// burn's RMSProp with `config`.
    pub fn rms_prop(config: &RmsPropConfig) -> Self {
        Self { rule: Rule::RmsProp(Stepper::new(config.build())) }
    }

    /// Moves `module`'s parameters by `grads` (those without a gradient stay as they are)
    /// and advances this module's state.
    ///
    /// # Panics
    /// If the parameters with gradients are not the same ones as at this module's earlier
    /// steps.
    pub fn step<M: Module>(&mut self, lr: LearningRate, module: M, grads: GradientsParams) -> M {
        let mut flat = Flatten { grads: Some(&grads), params: Vec::new(), grads_out: Vec::new(), key: None };
        module.visit(&mut flat);
        let Some(key) = flat.key else { return module };
        let flat_grads = Tensor::cat(flat.grads_out, 0); // [all stepped parameters]
        self.step_params(lr, module, key, flat.params, flat_grads, Some(&grads))
    }

    /// Moves every parameter of `module` by `grads`, every parameter's gradient end to end
    /// in the module's order (as [`crate::nn::replicas::all_reduce`] sums them), and
    /// advances this module's state: the same bits as [`FlatOptimizer::step`] with those
    /// gradients, without splitting them up to flatten them again.
    ///
    /// # Panics
    /// If `grads` is not as long as the module's parameters, or those are not the ones of
    /// this module's earlier steps.
    pub fn step_flat<M: Module>(&mut self, lr: LearningRate, module: M, grads: Tensor<1>) -> M {
        let mut flat = Flatten { grads: None, params: Vec::new(), grads_out: Vec::new(), key: None };
        module.visit(&mut flat);
        let key = flat.key.expect("a module with parameters");
        self.step_params(lr, module, key, flat.params, grads, None)
    }

    /// Steps `params` (the stepped parameters of `module`, flattened) by `grads` and gives
    /// each its part back; `stepped`: which parameters those are (`None`: all).
    fn step_params<M: Module>(
        &mut self,
        lr: LearningRate,
        module: M,
        key: ParamId,
        params: Vec<Tensor<1>>,
        grads: Tensor<1>,
        stepped: Option<&GradientsParams>,
    ) -> M {
        let params = Tensor::cat(params, 0); // [all stepped parameters]
        assert_eq!(params.dims(), grads.dims(), "a gradient for every stepped parameter");
        let moved = match &mut self.rule {
            Rule::Adam(adam) => adam.step(key, lr, params, grads),
            Rule::RmsProp(rms) => rms.step(key, lr, params, grads),
        };
        module.map(&mut Scatter { stepped, moved, offset: 0 })
    }
}

/// Collects, in the module's parameter order, each parameter that has a gradient in
/// `grads` (every parameter without `grads`) and that gradient, both flattened (without
/// autodiff).
struct Flatten<'a> {
    grads: Option<&'a GradientsParams>,
    params: Vec<Tensor<1>>,
    grads_out: Vec<Tensor<1>>,
    /// The first such parameter's id.
    key: Option<ParamId>,
}

impl ModuleVisitor for Flatten<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let grad = self.grads.map(|grads| grads.get::<D>(param.id));
        if matches!(grad, Some(None)) {
            return; // not stepped: no gradient
        }
        self.key.get_or_insert(param.id);
        self.params.push(param.val().inner().flatten(0, D - 1));
        self.grads_out.extend(grad.flatten().map(|g| g.flatten(0, D - 1)));
    }
}

/// Gives each stepped parameter (each with a gradient in `stepped`; every one without it)
/// its part of `moved` (the moved parameters end to end, in the module's order), keeping
/// whether it requires gradients.
struct Scatter<'a> {
    stepped: Option<&'a GradientsParams>,
    moved: Tensor<1>,
    /// Where the next stepped parameter's part starts.
    offset: usize,
}

impl ModuleMapper for Scatter<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        if self.stepped.is_some_and(|grads| grads.get::<D>(id).is_none()) {
            return Param::from_mapped_value(id, tensor, mapper);
        }
        let dims: [usize; D] = tensor.dims();
        let len = dims.iter().product();
        let part = self.moved.clone().narrow(0, self.offset, len).reshape(dims);
        self.offset += len;
        let mut moved = Tensor::from_inner(part);
        if tensor.is_require_grad() {
            moved = moved.require_grad();
        }
        Param::from_mapped_value(id, moved, mapper)
    }
}
