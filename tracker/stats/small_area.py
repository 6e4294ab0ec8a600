"""Model-based county estimates: the Fay–Herriot area-level model and its EBLUP (issue 13, item 4).

A county rests on 0 to about 40 answers per wave, so its direct share is noisy. The Fay–Herriot
model (Fay & Herriot 1979; Rao & Molina 2015, *Small Area Estimation*, 2nd ed., ch. 6) borrows
strength from the other counties through a covariate. For the m counties with answers in a wave:

    p_d = θ_d + e_d,   e_d ~ N(0, ψ_d)     direct share = true share + sampling error
    θ_d = x_d'β + u_d, u_d ~ N(0, σ²_u)    true share = what the covariates predict + county effect

with x_d = (1, share of the county's population in centrality classes 1–3) and the sampling
variance ψ_d = p̄(1 − p̄)/n_eff,d treated as known. p̄ is the national direct share of the wave,
not the county's own: a county's own p_d(1 − p_d) is 0 whenever it has 0 or all yes (often, on 6
answers), which would make its direct share look exact. n_eff,d is Kish's (Σw)²/Σw² (= n when
unweighted).

Choices, and why:

- **σ²_u by REML** (Fisher scoring, Rao & Molina ch. 6), truncated at 0. REML allows for the
  degrees of freedom spent on β, which matters with 3–15 counties, and the Prasad–Rao formula
  g1 + g2 + 2·g3 with g3 below is the second-order unbiased MSE estimator for REML as it stands
  (Datta & Lahiri 2000, Statistica Sinica 10, 613–627); the FH moment estimator would need an
  extra bias term (Datta, Rao & Smith 2005, Biometrika 92, 183–196). It is also the default of
  R's ``sae::eblupFH``, so the figures can be checked there. With m − p = 1 (three counties, two
  covariates) REML and the FH moment method coincide and have a closed form (tests use it).
- **β by WLS** with weights 1/(σ²_u + ψ_d); γ_d = σ²_u/(σ²_u + ψ_d);
  EBLUP_d = γ_d·p_d + (1 − γ_d)·x_d'β̂, clipped to [0, 1].
- **MSE** (Prasad & Rao 1990, JASA 85; Rao & Molina ch. 6): g1 = γ_d·ψ_d;
  g2 = (1 − γ_d)²·x_d'(X'V⁻¹X)⁻¹x_d; g3 = ψ_d²/(σ²_u + ψ_d)³ · 2/Σ_j(σ²_u + ψ_j)⁻², the last
  factor being the asymptotic variance of the REML σ̂²_u.
- **A county with no answers** gets the synthetic estimate x_d'β̂ (γ_d = 0, ψ_d = ∞), with MSE
  g2 + σ²_u: the uncertainty of β̂ plus the county effect nothing in the data speaks to.
- **Ratio benchmarking**: every estimate is multiplied by one factor so that
  Σ_d n_d·model_d / Σ_d n_d equals the national direct share (n unweighted, counties with n = 0
  count 0). A value that the factor would take above 1 is set to 1 and the others are scaled
  again, so the identity holds exactly and no share leaves [0, 1]. The reported MSE is the
  Prasad–Rao MSE plus the squared adjustment (model_d − EBLUP_d)²: benchmarking moves the
  estimate away from the EBLUP, and counting the whole move as error keeps the interval from
  claiming more precision than the EBLUP's. This is a simple stand-in, not a derived estimator,
  for the extra term benchmarking adds to the MSE (Steorts & Ghosh 2013, Statistica Sinica). For
  the municipality measure the move is 0: with ψ_d = c/n_d and an intercept in x, the WLS normal
  equation gives Σ n_d·EBLUP_d = Σ n_d·p_d = the national yes count, so the factor is 1 unless
  clipping moved an estimate.
- **Not fitted** (all arrays NaN, no error): fewer counties with answers than covariates + 1,
  a covariate that does not vary among them, or a national share of 0 or 1 (then every ψ_d is 0
  and the model has nothing to weigh).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from tracker.stats.estimates import Z95

#: model_basis values: the county's own answers weigh at least half and it has at least the
#: suppression limit of answers; the covariates weigh more (or it is below the limit); no own
#: answers count at all (γ = 0).
BASES = ("direct_and_model", "mostly_model", "synthetic")


@dataclass(frozen=True)
class FayHerriot:
    """The EBLUP of the counties a model was fitted on (before clipping and benchmarking)."""

    sigma2_u: float
    beta: np.ndarray
    #: (X'V⁻¹X)⁻¹, the covariance of β̂ at σ̂²_u.
    beta_cov: np.ndarray
    gamma: np.ndarray
    synthetic: np.ndarray
    eblup: np.ndarray
    mse: np.ndarray


@dataclass(frozen=True)
class WaveFit:
    """One wave's model estimates; per-county arrays follow the input order (NaN: no estimate)."""

    fitted: bool
    national_share: float
    sigma2_u: float
    #: (intercept, central share); NaN when not fitted.
    beta: np.ndarray
    #: Counties with answers (those the model is, or would be, fitted on).
    counties_used: int
    #: Σ n·model / Σ n·EBLUP: the overall ratio benchmarking applied.
    benchmark_factor: float
    direct: np.ndarray
    n_eff: np.ndarray
    psi: np.ndarray
    gamma: np.ndarray
    synthetic: np.ndarray
    #: EBLUP clipped to [0, 1], before benchmarking.
    eblup: np.ndarray
    #: The benchmarked EBLUP: model_share.
    estimate: np.ndarray
    mse: np.ndarray

    @property
    def rmse(self) -> np.ndarray:
        return np.sqrt(self.mse)

    @property
    def low(self) -> np.ndarray:
        """Lower end of the 95 % interval estimate ± 1.96·√MSE, kept in [0, 1]."""
        return np.clip(self.estimate - Z95 * self.rmse, 0.0, 1.0)

    @property
    def high(self) -> np.ndarray:
        return np.clip(self.estimate + Z95 * self.rmse, 0.0, 1.0)


def _weighted_fit(
    y: np.ndarray, psi: np.ndarray, x: np.ndarray, sigma2: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(1/(σ² + ψ), β̂ by WLS with those weights, (X'V⁻¹X)⁻¹)."""
    w = 1.0 / (sigma2 + psi)
    cov = np.linalg.inv(x.T @ (w[:, None] * x))
    return w, cov @ (x.T @ (w * y)), cov


def _restricted(
    y: np.ndarray, psi: np.ndarray, x: np.ndarray, sigma2: float
) -> tuple[float, float, float]:
    """(restricted log-likelihood, its score, the Fisher information) at σ²_u = ``sigma2``.

    With V = diag(σ² + ψ) and P = V⁻¹ − V⁻¹X(X'V⁻¹X)⁻¹X'V⁻¹:
    l_R = −½(log|V| + log|X'V⁻¹X| + y'Py), score = ½(y'PPy − tr P), information = ½ tr PP.
    """
    w, beta, cov = _weighted_fit(y, psi, x, sigma2)
    wx = w[:, None] * x
    p = np.diag(w) - wx @ cov @ wx.T
    py = w * (y - x @ beta)
    _, logdet = np.linalg.slogdet(x.T @ wx)
    loglik = -0.5 * (float(np.log(sigma2 + psi).sum()) + logdet + float(y @ py))
    return loglik, 0.5 * (float(py @ py) - float(np.trace(p))), 0.5 * float(np.sum(p * p))


def reml_variance(
    y: np.ndarray, psi: np.ndarray, x: np.ndarray, *, tol: float = 1e-12, max_iter: int = 200
) -> float:
    """σ̂²_u by REML on [0, ∞): Fisher scoring from the median ψ (as ``sae::eblupFH`` starts),
    a step halved until the restricted likelihood does not fall, stopping at 0 when the
    likelihood falls from there (the truncation at 0)."""
    sigma2 = float(np.median(psi))
    loglik, score, info = _restricted(y, psi, x, sigma2)
    for _ in range(max_iter):
        target = max(0.0, sigma2 + score / info)
        for _ in range(60):
            new_loglik, new_score, new_info = _restricted(y, psi, x, target)
            if new_loglik >= loglik - 1e-12 * abs(loglik):
                break
            target = (sigma2 + target) / 2
        moved = abs(target - sigma2)
        sigma2, loglik, score, info = target, new_loglik, new_score, new_info
        if moved <= tol or (sigma2 == 0.0 and score <= 0):
            break
    return sigma2


def fay_herriot(y: ArrayLike, psi: ArrayLike, x: ArrayLike) -> FayHerriot:
    """The Fay–Herriot EBLUP and its Prasad–Rao MSE for direct estimates ``y`` with known
    sampling variances ``psi`` (all > 0) and design matrix ``x`` (m × p, intercept included)."""
    y, psi, x = (np.asarray(v, dtype=float) for v in (y, psi, x))
    sigma2 = reml_variance(y, psi, x)
    w, beta, cov = _weighted_fit(y, psi, x, sigma2)
    gamma = sigma2 * w
    synthetic = x @ beta
    g1 = gamma * psi
    g2 = (1 - gamma) ** 2 * np.einsum("ij,jk,ik->i", x, cov, x)
    g3 = psi**2 * w**3 * (2.0 / float(np.sum(w**2)))
    return FayHerriot(
        sigma2_u=sigma2,
        beta=beta,
        beta_cov=cov,
        gamma=gamma,
        synthetic=synthetic,
        eblup=gamma * y + (1 - gamma) * synthetic,
        mse=g1 + g2 + 2 * g3,
    )


def ratio_benchmark(values: np.ndarray, n: np.ndarray, target: float) -> np.ndarray:
    """``values`` scaled so that Σ n·v / Σ n = ``target`` (counties with n = 0 count 0), none
    above 1: a value the factor takes above 1 is set to 1 and the rest are scaled again. Left
    as they are when Σ n·v is 0 (nothing to scale)."""
    result = values.astype(float).copy()
    counted = n > 0
    goal = target * float(n[counted].sum())
    capped = np.zeros(result.shape, dtype=bool)
    for _ in range(result.size + 1):
        movable = float((n * result)[counted & ~capped].sum())
        if movable <= 0:
            break
        fixed = float((n * result)[counted & capped].sum())
        result[~capped] *= (goal - fixed) / movable
        over = ~capped & (result > 1.0)
        if not over.any():
            break
        result[over] = 1.0
        capped |= over
    return result


def _unfitted(m: int, national_share: float, used: int, direct: np.ndarray) -> WaveFit:
    empty = np.full(m, np.nan)
    return WaveFit(
        fitted=False,
        national_share=national_share,
        sigma2_u=np.nan,
        beta=np.full(2, np.nan),
        counties_used=used,
        benchmark_factor=np.nan,
        direct=direct,
        n_eff=empty,
        psi=empty,
        gamma=empty,
        synthetic=empty,
        eblup=empty,
        estimate=empty,
        mse=empty,
    )


def fit_wave(
    n: ArrayLike,
    yes: ArrayLike,
    weight_sum: ArrayLike,
    weight_square_sum: ArrayLike,
    central_share: ArrayLike,
    *,
    national_share: float,
) -> WaveFit:
    """Model estimates for every county of one wave from its counts (one element per county).

    Unweighted measure: pass the yes count as ``yes`` and n as both weight sums (as for
    :func:`tracker.stats.estimates.estimate_arrays`); weighted: the yes weight, Σw and Σw².
    Every county with answers enters the fit, also those whose direct share is suppressed for
    display. ``central_share`` may be NaN for a county without a covariate: it gets no estimate.
    """
    n, yes, total, squares, central = (
        np.asarray(v, dtype=float) for v in (n, yes, weight_sum, weight_square_sum, central_share)
    )
    answered = (n > 0) & (total > 0) & (squares > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = np.where(answered, yes / total, np.nan)
        n_eff = np.where(answered, total * total / squares, 0.0)
    known = np.isfinite(central)
    used = answered & known
    x_all = np.column_stack([np.ones(n.size), central])
    m = int(used.sum())
    p_bar = float(national_share)
    if (
        m < x_all.shape[1] + 1
        or np.linalg.matrix_rank(x_all[used]) < x_all.shape[1]
        or not 0.0 < p_bar < 1.0
    ):
        return _unfitted(n.size, p_bar, m, direct)
    with np.errstate(divide="ignore"):
        psi = np.where(used, p_bar * (1 - p_bar) / n_eff, np.inf)
    model = fay_herriot(direct[used], psi[used], x_all[used])
    x_known = np.where(known[:, None], x_all, 0.0)
    synthetic = np.where(known, x_known @ model.beta, np.nan)
    gamma = np.where(known, 0.0, np.nan)
    gamma[used] = model.gamma
    eblup = synthetic.copy()
    eblup[used] = model.eblup
    eblup = np.clip(eblup, 0.0, 1.0)
    # No answers: γ = 0, so g1 = 0·∞ → σ²_u and g3 → 0; what is left is g2 + σ²_u.
    g2 = np.einsum("ij,jk,ik->i", x_known, model.beta_cov, x_known)
    mse = np.where(known, g2 + model.sigma2_u, np.nan)
    mse[used] = model.mse
    counts = np.where(known, n, 0.0)  # a county without a covariate has no estimate to count
    estimate = np.where(known, ratio_benchmark(np.where(known, eblup, 0.0), counts, p_bar), np.nan)
    counted = float((n * eblup)[used].sum())
    return WaveFit(
        fitted=True,
        national_share=p_bar,
        sigma2_u=model.sigma2_u,
        beta=model.beta,
        counties_used=m,
        benchmark_factor=float((n * estimate)[used].sum()) / counted if counted > 0 else 1.0,
        direct=direct,
        n_eff=n_eff,
        psi=psi,
        gamma=gamma,
        synthetic=synthetic,
        eblup=eblup,
        estimate=estimate,
        mse=mse + (estimate - eblup) ** 2,
    )


def model_basis(n: ArrayLike, gamma: ArrayLike, min_n: int) -> np.ndarray:
    """What a model estimate rests on (see :data:`BASES`); None where there is no estimate.

    ``synthetic``: γ = 0 (no answers, or σ̂²_u = 0), the covariates alone. ``mostly_model``:
    γ < 0.5, or fewer than ``min_n`` answers (the direct share is suppressed, so the estimate is
    never presented as resting on it). ``direct_and_model``: the rest.
    """
    n, gamma = np.asarray(n, dtype=float), np.asarray(gamma, dtype=float)
    basis = np.select(
        [gamma == 0, (gamma < 0.5) | (n < min_n)], ["synthetic", "mostly_model"], BASES[0]
    ).astype(object)
    basis[np.isnan(gamma)] = None
    return basis
