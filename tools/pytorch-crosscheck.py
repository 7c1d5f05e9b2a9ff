"""Cross-check `lab` against PyTorch, by hand: not part of the test suite or CI.

    pip install torch==2.15.0        # once, locally
    cargo build --bin lab
    python3 tools/pytorch-crosscheck.py

Prints OK or BAD for each loss and activation: value and gradient from `lab --json`
against the same computation in PyTorch (focal loss written out as torchvision's
sigmoid_focal_loss computes it).
"""
import json, math, subprocess, sys, torch, torch.nn as nn, torch.nn.functional as F
def lab(*a):
    return json.loads(subprocess.check_output(["./target/debug/lab", *a, "--json"]))
def torch_grad(fn, pred):
    p = torch.tensor(pred, requires_grad=True); l = fn(p); l.backward(); return l.item(), p.grad.tolist()
BAD = []
def num(x): return float("nan") if x=="NaN" else x
def cmp(name, labout, ref, tol=1e-5):
    labout={"value":num(labout["value"]),"grad":[num(x) for x in labout["grad"]]}
    v, g = ref
    close=lambda a,b: (math.isnan(a) and math.isnan(b)) or abs(a-b) <= tol*(1+abs(b))
    ok = close(labout["value"], v) and all(close(a,b) for a,b in zip(labout["grad"], g))
    print(("OK  " if ok else "BAD "), name, labout["value"], v)
    if not ok: BAD.append(name)
P=[2.1,-0.5,1.8,-1.2,7.0,-30.0]; T=[1.,0.,0.,1.,1.,0.]
ps=",".join(map(str,P)); ts=",".join(map(str,T))
cmp("bce pw", lab("loss","bce-logits",f"--pred={ps}",f"--target={ts}","--pos-weight","3"), torch_grad(lambda p: nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))(p, torch.tensor(T)), P))
def focal(p, t, alpha, gamma):
    pr = torch.sigmoid(p); ce = F.binary_cross_entropy_with_logits(p, t, reduction="none")
    p_t = pr*t + (1-pr)*(1-t); loss = ce*((1-p_t)**gamma)
    if alpha >= 0: loss = (alpha*t + (1-alpha)*(1-t))*loss
    return loss.mean()
for a,g in [(0.25,2.0),(-1,0.5),(0.5,5.0)]:
    cmp(f"focal {a} {g}", lab("loss","focal",f"--pred={ps}",f"--target={ts}","--alpha",str(a),"--gamma",str(g)), torch_grad(lambda p: focal(p, torch.tensor(T), a, g), P))
Y=[41.,29.,55.,97.]; Pr=[35.,31.,48.,42.]
for d in [1.0, 5.0, 7.0]:
    cmp(f"huber {d}", lab("loss","huber","--pred=35,31,48,42","--target=41,29,55,97","--delta",str(d)), torch_grad(lambda p: nn.HuberLoss(delta=d)(p, torch.tensor(Y)), Pr))
cmp("mae", lab("loss","mae","--pred=35,31,48,42,5","--target=41,29,55,97,5"), torch_grad(lambda p: nn.L1Loss()(p, torch.tensor(Y+[5.])), Pr+[5.]))
L=[2.1,0.3,-0.5,0.1,1.9,0.2,-0.3,0.4,2.2]
cmp("ce w", lab("loss","ce","--classes","3","--pred="+",".join(map(str,L)),"--target=0,1,2","--weights=1,19,1"), (lambda r:(r[0],r[1]))(torch_grad(lambda p: nn.CrossEntropyLoss(weight=torch.tensor([1.,19.,1.]))(p.view(3,3), torch.tensor([0,1,2])), L)))
for name, fn in [("gelu", nn.GELU()), ("gelu-tanh", nn.GELU(approximate="tanh")), ("silu", nn.SiLU()), ("tanh", nn.Tanh()), ("sigmoid", nn.Sigmoid())]:
    z=[-3.,-1.,-0.25,0.5,2.]
    out = lab("act", name, *map(str,z))
    zt = torch.tensor(z, requires_grad=True); y = fn(zt); y.sum().backward()
    ok = all(abs(a-b)<1e-6 for a,b in zip(out["value"], y.tolist())) and all(abs(a-b)<1e-6 for a,b in zip(out["grad"], zt.grad.tolist()))
    if not ok: BAD.append(name)
    print(("OK  " if ok else "BAD "), name, max(abs(a-b) for a,b in zip(out["grad"], zt.grad.tolist())))

print(f"{len(BAD)} disagreements" + (f": {BAD}" if BAD else ""))
sys.exit(1 if BAD else 0)
