"""Hand-picked candidates for the search, export and detail tests, and a loader that writes
them into a real store (SQLite file or PostgreSQL) with the properties scoring computes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

import pandas as pd
import sqlalchemy as sa

from molgen.chem.fingerprints import fingerprint_smiles, pack, popcount
from molgen.scoring import ScoreConfig, score_smiles
from molgen.store.schema import STORE_FINGERPRINT, Candidate, Molecule, Run

SMILES = [
    "CC(=O)Nc1ccc(O)cc1",  # paracetamol
    "CC(=O)Oc1ccccc1C(=O)O",  # aspirin
    "CN1C=NC2=C1C(=O)N(C(=O)N2C)C",  # caffeine
    "NS(=O)(=O)c1ccc(N)cc1",  # sulfanilamide
    "Cc1ccc(S(=O)(=O)NC(=O)NN2CCCCCC2)cc1",  # tolazamide (sulfonylurea)
    "CS(=O)(=O)c1ccc(N)cc1",  # sulfone + amine: passes an S/N screen, no sulfonamide
    "CSc1ccc(NC(C)=O)cc1",  # thioether + amide: S and N, no sulfonamide
    "CN(C)S(=O)(=O)c1ccccc1",  # tertiary sulfonamide
    "O=S(=O)(Nc1ccccc1)c1ccccc1",  # N-phenyl benzenesulfonamide
    "CC(C)Cc1ccc(C(C)C(=O)O)cc1",  # ibuprofen
    "COc1ccc2[nH]cc(CCN)c2c1",  # 5-methoxytryptamine
    "Oc1ccc(cc1)/C=C/c1cc(O)cc(O)c1",  # resveratrol
    "O=C(O)c1ccccc1O",  # salicylic acid
    "c1ccc2ccccc2c1",  # naphthalene
    "Clc1ccc(Cl)cc1",  # dichlorobenzene
    "CCOC(=O)c1ccc(N)cc1",  # benzocaine
    "CCN(CC)CCNC(=O)c1ccc(N)cc1",  # procainamide
    "CC(C)NCC(O)COc1cccc2ccccc12",  # propranolol
    "O=C1NC(=O)C(=Cc2ccc(O)cc2)S1",  # benzylidene thiazolidinedione (PAINS ene_five_het)
    "Oc1ccccc1O",  # catechol (PAINS catechol_A)
    "O=C(C=Cc1ccccc1)c1ccccc1",  # chalcone (Michael acceptor)
    "CCCCCCCCCCCCCCCC(=O)O",  # palmitic acid
    "c1ccc(-c2ccccc2)cc1",  # biphenyl
    "CC(=O)Nc1ccc(OC)cc1",  # methacetin (close to paracetamol)
    "CC(=O)Nc1ccc(OCC)cc1",  # phenacetin
    "CC(=O)Nc1ccccc1",  # acetanilide
    "Nc1ccc(O)cc1",  # 4-aminophenol
    "OC(=O)CCc1ccccc1",  # hydrocinnamic acid
    "C1CCNCC1",  # piperidine
    "FC(F)(F)c1ccc(Oc2ccc(Cl)cc2)cc1",
]

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
RUNS = (
    {"run_key": "key-a", "mlflow_run_id": "mlflow-a", "name": "run A", "created_at": T0},
    {"run_key": "key-b", "mlflow_run_id": None, "name": "import B", "created_at": T0},
)


@cache
def scored() -> pd.DataFrame:
    """The hand-picked SMILES scored as ``molgen score`` scores them (computed once)."""
    return score_smiles(SMILES, ScoreConfig())


def candidate_specs() -> list[dict]:
    """Candidate rows to store: every molecule in run A (two families, alternating), every
    third one again in run B (so some molecules have several candidates), with varied
    scores, novelty, temperatures and creation times (one day apart)."""
    specs = []
    for i in range(len(SMILES)):
        specs.append(
            {
                "mol": i,
                "run": 0,
                "family": "char_rnn" if i % 2 == 0 else "vae",
                "score": None if i == 7 else round(0.3 + (i * 37 % 23) / 40, 4),
                "novel": [True, False, None][i % 3],
                "temperature": 1.0,
                "created_at": T0 + timedelta(days=i % 10),
            }
        )
    for i in range(0, len(SMILES), 3):
        specs.append(
            {
                "mol": i,
                "run": 1,
                "family": "transformer",
                "score": 0.5,  # ties: ordered by candidate id
                "novel": True,
                "temperature": 0.7,
                "created_at": T0 + timedelta(days=20),
            }
        )
    return specs


def _db_time(moment: datetime, engine: sa.Engine) -> datetime:
    return moment.replace(tzinfo=None) if engine.dialect.name == "sqlite" else moment


def load(engine: sa.Engine) -> None:
    """Write the molecules, runs and candidates into an empty, migrated store."""
    frame = scored()
    with engine.begin() as conn:
        molecule_ids = []
        for row in frame.itertuples(index=False):
            fp = pack(fingerprint_smiles(row.smiles, STORE_FINGERPRINT))
            bits = popcount(fp)
            values = {
                name: (None if pd.isna(getattr(row, name)) else getattr(row, name))
                for name in ("mw", "logp", "tpsa", "hbd", "hba", "rotb", "rings", "qed", "sa")
            }
            values = {k: (int(v) if k in ("hbd", "hba", "rotb", "rings") and v is not None
                          else v) for k, v in values.items()}  # fmt: skip
            result = conn.execute(
                sa.insert(Molecule).values(
                    inchikey=row.inchikey,
                    smiles=row.smiles,
                    lipinski_violations=int(row.lipinski_violations),
                    pains=bool(row.pains),
                    brenk=bool(row.brenk),
                    alerts=row.alerts or "",
                    fingerprint=fp,
                    fp_popcount=bits,
                    **values,
                )
            )
            molecule_ids.append(result.inserted_primary_key[0])
        run_ids = []
        for run in RUNS:
            values = dict(run, created_at=_db_time(run["created_at"], engine))
            run_ids.append(conn.execute(sa.insert(Run).values(**values)).inserted_primary_key[0])
        for spec in candidate_specs():
            conn.execute(
                sa.insert(Candidate).values(
                    molecule_id=molecule_ids[spec["mol"]],
                    run_id=run_ids[spec["run"]],
                    family=spec["family"],
                    model_type=spec["family"],
                    checkpoint=f"runs/x/{spec['family']}/model/checkpoint.pt",
                    temperature=spec["temperature"],
                    score=spec["score"],
                    novel=spec["novel"],
                    created_at=_db_time(spec["created_at"], engine),
                )
            )
