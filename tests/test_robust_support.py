"""Helpers shared by the robustness tests (issue 8): small corpora the tests write themselves,
running the CLI in-process or in a subprocess, and checks of a built folder.

The pages below are written for these tests (not copied from any site): three short news
reports about the AI-compute shortage, long enough for the real cleaning stage to find an
article in them, with the usual site furniture around the body.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

_HEADER = [
    "首页 > 科技 > 正文",
    "",
    "{title}",
    "",
    "2024-05-{day:02d} 10:{day:02d}:00 来源：测试日报 作者：记者 王{day}",
    "",
]
_FOOTER = [
    "",
    "责任编辑：李明",
    "",
    "相关阅读",
    "- 上一篇：本周科技要闻回顾",
    "- 下一篇：数码产品价格走势",
    "",
    "版权所有 测试日报 未经授权禁止转载",
]

ARTICLES: list[tuple[str, list[str]]] = [
    (
        "算力紧缺推高服务器租金 中小模型公司压力倍增",
        [
            "今年以来，国内多家人工智能创业公司反映，用于训练大模型的图形处理器一卡难求，服务器租赁价格在半年内上涨了近一倍。",
            "一位在北京从事模型训练的工程师告诉记者，他们原本计划在三月完成新一轮训练，但因为算力不足，项目被迫推迟了两个月。",
            "业内人士分析，高端芯片出口管制收紧之后，市场上的存量产品成为各方争抢的对象，部分贸易商趁机囤货抬价。",
            "与此同时，云服务厂商也在调整策略，优先保障大客户的算力需求，中小企业往往只能排队等待空闲资源。",
            "有分析师指出，算力短缺短期内难以缓解，企业需要在模型规模和训练效率之间重新权衡，通过算法优化降低对硬件的依赖。",
            "多地政府近期出台政策，鼓励建设公共算力平台，并向初创企业发放算力补贴，希望以此降低创新门槛。",
            "专家认为，从长远看，只有提升国产芯片的性能和软件生态，才能从根本上解决算力供给不足的问题。",
        ],
    ),
    (
        "国产芯片厂商加速追赶 软件生态仍是最大短板",
        [
            "随着大模型训练需求快速增长，国内芯片企业纷纷推出面向人工智能计算的新产品，部分产品的单卡性能已接近国际主流水平。",
            "不过，多位开发者在接受采访时表示，真正制约国产芯片普及的并不是硬件指标，而是配套的编译器、算子库和开发工具。",
            "一家互联网公司的技术负责人说，把现有模型迁移到新的硬件平台上，往往需要数周时间调试，这对追求效率的团队来说成本很高。",
            "为此，一些芯片企业开始与高校和开源社区合作，投入大量工程师完善软件栈，并提供迁移工具帮助客户快速适配。",
            "行业协会的数据显示，今年上半年国产加速卡的出货量同比明显增长，主要客户来自运营商、金融机构和政务云项目。",
            "受访专家表示，生态建设需要时间积累，产业链上下游应加强协同，在标准制定和人才培养方面形成合力。",
        ],
    ),
    (
        "数据中心用电需求激增 绿色算力成为新热点",
        [
            "大规模模型训练不仅消耗大量芯片，也带来了惊人的电力需求，一座大型智算中心的年耗电量可以相当于一座中等城市的居民用电。",
            "记者在西部某数据中心集群采访时了解到，当地依托丰富的风电和光伏资源，正在吸引东部企业把训练任务迁移过来。",
            "负责园区运营的工作人员介绍，新建机房普遍采用液冷技术，能够把能源使用效率降低到较低水平，同时减少用水量。",
            "不过，也有企业反映，西部地区网络时延较高，更适合对实时性要求不高的离线训练，在线推理服务仍需部署在用户附近。",
            "研究机构预计，未来几年算力基础设施投资将继续保持高速增长，如何在扩大规模的同时控制能耗，将成为行业必须面对的课题。",
            "有关部门表示，将完善数据中心能效标准，推动算力网络统筹布局，引导资源向可再生能源丰富的地区集聚。",
        ],
    ),
]


def page_text(index: int, hant: bool = False) -> str:
    """One synthetic news page (about 600 characters), Simplified or Traditional script."""
    title, body = ARTICLES[index % len(ARTICLES)]
    day = index % 28 + 1
    lines = [line.format(title=title, day=day) for line in _HEADER]
    for sentence in body:
        lines += [sentence, ""]
    lines += _FOOTER
    text = "\n".join(lines) + "\n"
    if hant:
        import opencc

        text = opencc.OpenCC("s2tw").convert(text)
    return text


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_entry(doc_id: str, file: str, data: bytes) -> dict:
    return {
        "id": doc_id,
        "file": file,
        "sha256": sha256(data),
        "site": "测试日报",
        "publisher": "测试日报",
        "url": None,
        "retrieved": None,
        "licence": "Written for the robustness tests; no rights reserved.",
    }


def write_sources(corpus: Path, entries: list[dict]) -> None:
    doc = {"schema_version": 1, "sources": entries}
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    (corpus / "sources.yaml").write_text(text, encoding="utf-8")


def make_corpus(root: Path, pages: dict[str, bytes] | None = None) -> Path:
    """A corpus folder with the given raw pages (id -> bytes; default: the three synthetic pages,
    UTF-8). Returns the corpus folder."""
    corpus = root / "corpus"
    (corpus / "raw").mkdir(parents=True, exist_ok=True)
    (corpus / "curated").mkdir(exist_ok=True)
    if pages is None:
        pages = {f"t{i}": page_text(i).encode("utf-8") for i in range(len(ARTICLES))}
    entries = []
    for doc_id, data in pages.items():
        (corpus / "raw" / f"{doc_id}.txt").write_bytes(data)
        entries.append(source_entry(doc_id, f"raw/{doc_id}.txt", data))
    write_sources(corpus, entries)
    return corpus


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file below root, by relative path (mode bits of the folder included)."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    digest = {p.relative_to(root).as_posix(): sha256(p.read_bytes()) for p in files}
    digest["<mode>"] = oct(root.stat().st_mode & 0o777)
    return digest


def cli(*args: str) -> tuple[int, str]:
    """Run ``zhnews`` in-process; (exit code, stderr)."""
    from builders.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse errors
            code = int(exc.code or 0)
    return code, err.getvalue()


def build_cli(out: Path, corpus: Path) -> tuple[int, str]:
    return cli("build", "--out", str(out), "--corpus", str(corpus))


_BOOT = (
    "import sys\n"
    "{prelude}"
    "from builders.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def cli_command(prelude: str = "") -> list[str]:
    """``python -c <bootstrap>`` running ``zhnews``; ``prelude`` is Python run before it."""
    return [sys.executable, "-c", _BOOT.format(prelude=prelude)]


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    path = [str(REPO)]
    env["PYTHONPATH"] = os.pathsep.join(path + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env["HF_HUB_OFFLINE"] = "1"
    env["HF_DATASETS_OFFLINE"] = "1"
    env.update(extra)
    return env


def start_build(out: Path, corpus: Path, prelude: str = "", **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*cli_command(prelude), "build", "--out", str(out), "--corpus", str(corpus)],
        cwd=REPO,
        env=cli_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def manifest_consistent(out: Path) -> list[str]:
    """Problems with a built folder: a file the manifest lists is missing or differs, or a file
    is there that the manifest does not list. An empty list means one complete build."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = _manifest_files(manifest)
    problems = []
    for rel, digest in listed.items():
        path = out / rel
        if not path.is_file():
            problems.append(f"{rel}: listed but missing")
        elif sha256(path.read_bytes()) != digest:
            problems.append(f"{rel}: sha256 differs from the manifest")
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    extra = present - set(listed) - {"manifest.json"}
    problems += [f"{rel}: not in the manifest" for rel in sorted(extra)]
    return problems


def _manifest_files(manifest: dict) -> dict[str, str]:
    """{relative path: sha256} from the manifest, whatever its exact layout (list or mapping)."""
    files = manifest.get("files") or manifest.get("outputs") or {}
    if isinstance(files, dict):
        return {k: (v["sha256"] if isinstance(v, dict) else v) for k, v in files.items()}
    return {f["path"]: f["sha256"] for f in files}


def load_every_config(out: Path) -> dict[str, int]:
    """Load every config of a built folder with ``datasets`` (offline); rows per config."""
    import datasets

    card = (out / "README.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(card.split("---\n", 2)[1])
    rows = {}
    for config in meta["configs"]:
        name = config["config_name"]
        loaded = datasets.load_dataset(str(out), name)
        rows[name] = sum(len(split) for split in loaded.values())
    return rows
