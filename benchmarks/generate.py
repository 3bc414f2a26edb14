"""A deterministic synthetic crawl of N Chinese news pages, for benchmarking the builders.

    python -m benchmarks.generate --pages 10000 --out /tmp/crawl-10k [--seed 1]
    python -m benchmarks.generate --pages 10000 --warc /tmp/crawl-10k.warc.gz [--seed 1]

The folder it writes is a corpus like ``corpus/``: ``raw/<id>.txt`` plus ``sources.yaml`` with
the sha256 of every file (no ``curated/``). Pages mix what real crawled news pages contain:

* article paragraphs built from sentence fragments: sentences sampled from the seed pages'
  content lines (shuffled with a seeded RNG) and sentences generated from templates;
* per-site furniture that repeats across a site's pages (menus, breadcrumbs, share bars,
  disclaimers, ICP and copyright lines) and per-page boilerplate (bylines, related-news lists
  with "浏览 N", comment widgets with user names and times, tag lines);
* both scripts: about a fifth of the sites publish in Traditional script (OpenCC s2t);
* spun pages (伪原创 synonym substitutions), exact re-posts and near-duplicates (a re-post on
  another site with a changed paragraph).

With ``--warc FILE`` the same pages are written as a WARC crawl instead (``.warc.gz`` or
``.warc``, written with warcio), the input of ``zhnews add``: one request and one HTTP 200
``text/html`` response per page, each page an HTML document (title, one ``<p>`` per line),
a tenth of them in GBK with the charset named only in the HTTP header, and WARC-Dates one
minute apart from a fixed start.

Same arguments, same bytes: every choice comes from one ``random.Random(seed)``; nothing reads
the network or the clock.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from io import BytesIO
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SEED_RAW = REPO / "corpus" / "raw"

# Classic 伪原创 substitutions (the kind a spinner makes): correct word → spun word.
SPIN = {
    "人工智能": "家养智能",
    "发展": "睁开",
    "需求": "需要",
    "提高": "后退",
    "很多": "良多",
    "认为": "以为",
    "处理": "处置",
    "全球": "全天下",
    "核心": "中间",
    "成本": "老本",
    "表示": "展现",
    "基础": "根基",
    "大模型": "大模子",
    "集团": "总体",
    "训练": "磨炼",
    "进展": "妨碍",
    "发布": "宣告",
    "服务": "效率",
    "设备": "配置装备部署",
    "参加": "退出",
}

COMPANIES = [
    "英伟达",
    "AMD",
    "英特尔",
    "华为",
    "寒武纪",
    "阿里云",
    "腾讯",
    "百度",
    "字节跳动",
    "燧原科技",
    "摩尔线程",
    "壁仞科技",
    "海光信息",
    "浪潮信息",
    "中科曙光",
    "商汤科技",
    "科大讯飞",
    "优刻得",
]
PRODUCTS = [
    "H100",
    "A800",
    "H20",
    "昇腾910B",
    "MI300X",
    "思元590",
    "DGX超算",
    "算力集群",
    "智算中心",
    "推理芯片",
    "训练卡",
    "液冷服务器",
    "光模块",
    "HBM内存",
]
PEOPLE = ["王明", "李华", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄晓", "周婷", "吴涛"]
ROLES = ["董事长", "首席执行官", "副总裁", "首席科学家", "分析师", "研究员", "总经理", "技术负责人"]
CITIES = ["北京", "上海", "深圳", "杭州", "合肥", "成都", "无锡", "贵阳", "乌兰察布", "庆阳"]
VERBS = ["宣布", "推出", "发布", "签署", "披露", "启动", "完成", "扩建"]
OBJECTS = [
    "新一代AI芯片",
    "万卡训练集群",
    "算力租赁平台",
    "大模型推理服务",
    "国产GPU适配计划",
    "数据中心扩容项目",
    "算力调度平台",
    "液冷智算中心",
]
CLAUSES = [
    "算力供不应求的局面短期内难以缓解",
    "高端GPU的交付周期已经拉长到数月",
    "国产芯片的软件生态仍需完善",
    "推理需求正在超过训练需求",
    "电力和散热成为智算中心的新瓶颈",
    "算力租赁价格较年初上涨了三成",
    "出口管制让采购变得更加困难",
    "中小企业很难负担自建集群的成本",
    "大模型的参数规模还在持续增长",
]
MEDIA = [
    "新京报",
    "澎湃新闻",
    "环球网资讯",
    "上游新闻",
    "红星新闻",
    "界面新闻",
    "时代财经",
    "第一财经",
    "21世纪经济报道",
    "证券时报",
    "每日经济新闻",
    "36氪",
    "IT之家",
    "中关村在线",
]
SECTIONS = ["首页", "新闻", "科技", "财经", "汽车", "房产", "娱乐", "体育", "教育", "健康", "视频", "图片"]
TEASERS = [
    "北京广告协会发布风险提示",
    "多地掀起初夏旅游热潮",
    "小微企业金融服务再加力",
    "商务部将完善餐饮业支持政策",
    "早秋衬衫最全选款和搭配攻略来了",
    "空军某旅开展跨昼夜飞行训练",
    "手机销量走低拖累营收下滑",
    "五年审定优质绿色品种超两千个",
    "国家级单项冠军企业超一千一百家",
    "资金抢跑获利数千万引发疑云",
    "今年的穿搭流行什么",
    "裁员风波后互联网大厂重整秋招",
    "新能源车企价格战再起",
    "暑期档电影票房创新高",
]
USERS = [
    "caffycat",
    "star8699",
    "goodfriendboy",
    "laozhucn",
    "海田1",
    "风清扬",
    "小鱼儿",
    "tech_fan",
    "老王说芯片",
    "momo2020",
    "算力观察",
    "user_8848",
]


@dataclass(frozen=True)
class Site:
    name: str
    domain: str
    traditional: bool
    menu: str
    breadcrumb: str
    share: str
    disclaimer: str
    footer: list[str]
    style: int  # how paragraphs are laid out: 0 indented + blank lines, 1 flush, 2 flush + blanks


@cache
def _s2t() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("s2t").convert


@cache
def _to_hant(piece: str) -> str:
    """Convert each distinct piece once: pages are assembled from a few thousand pieces."""
    return _s2t()(piece)


def seed_sentences(raw_dir: Path = SEED_RAW) -> list[str]:
    """Sentences (ending in 。！？) of the seed pages' longer lines, Han-rich ones only, in
    Simplified script (a page's script is chosen per site), without spun words or converter
    pinyin notes (spinning is applied per page, on purpose)."""
    import opencc

    t2s = opencc.OpenCC("t2s").convert
    han = re.compile(r"[\u4e00-\u9fff]")
    pinyin_note = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
    out: list[str] = []
    for path in sorted(raw_dir.glob("*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
            line = line.strip()
            if len(line) < 30:
                continue
            for sent in re.findall(r"[^。！？]+[。！？]", line):
                sent = sent.strip()
                if not 12 <= len(sent) <= 160 or len(han.findall(sent)) < 0.6 * len(sent) or "\ufffd" in sent:
                    continue
                if pinyin_note.search(sent) or "声明" in sent or any(spun in sent for spun in SPIN.values()):
                    continue
                out.append(t2s(sent))
    return sorted(set(out))


class CrawlGenerator:
    def __init__(self, seed: int = 1, n_sites: int = 60) -> None:
        self.rng = random.Random(seed)
        self.sentences = seed_sentences()
        self.sites = [self._site(i) for i in range(n_sites)]

    # ------------------------------------------------------------------ pieces
    def _site(self, i: int) -> Site:
        r = self.rng
        name = (
            r.choice(["六脉", "星河", "云端", "华夏", "东方", "前沿", "鲸鱼", "极客", "晨光", "天下"])
            + r.choice(["科技网", "资讯网", "财经", "新闻网", "在线", "快报", "观察"])
            + (str(i) if i >= 10 else "")
        )
        sections = r.sample(SECTIONS, r.randint(6, 10))
        sep = r.choice([" | ", "  ", " · ", " "])
        province = r.choice(["京", "沪", "粤", "浙", "苏", "川"])
        footer = [
            f"{province}ICP备{r.randint(10**7, 10**8 - 1)}号-{r.randint(1, 9)}",
            f"Copyright © 2010-2024 {name} All Rights Reserved",
        ]
        if r.random() < 0.5:
            footer.insert(0, "本站所有信息收集于互联网，如本站收集信息侵权，请联系我们及时删除")
        return Site(
            name=name,
            domain=f"www.site{i:03d}.example.com",
            traditional=r.random() < 0.2,
            menu=sep.join(sections),
            breadcrumb=f"您现在的位置是：{name} > {r.choice(sections)}",
            share=r.choice(["分享到：微信 微博 QQ空间 复制链接", "分享：微信 朋友圈 微博", "收藏 分享 举报"]),
            disclaimer=r.choice(
                [
                    f"声明：该文观点仅代表作者本人，本文不代表{name}立场，且不构成建议，请谨慎对待。",
                    "版权与免责声明：本文内容转载自其他媒体，目的在于传递更多信息，不代表本网观点或立场。",
                    f"{name} 系信息发布平台，仅提供信息存储空间服务。",
                ]
            ),
            footer=footer,
            style=r.randint(0, 2),
        )

    def _generated_sentence(self) -> str:
        r = self.rng
        kind = r.randint(0, 3)
        if kind == 0:
            return f"{r.randint(1, 12)}月{r.randint(1, 28)}日，{r.choice(COMPANIES)}在{r.choice(CITIES)}{r.choice(VERBS)}了{r.choice(OBJECTS)}，涉及{r.choice(PRODUCTS)}约{r.randint(2, 90)}00张。"
        if kind == 1:
            return (
                f"“{r.choice(CLAUSES)}。”{r.choice(COMPANIES)}{r.choice(ROLES)}{r.choice(PEOPLE)}对记者表示。"
            )
        if kind == 2:
            return f"据{r.choice(MEDIA)}报道，{r.choice(CLAUSES)}，{r.choice(COMPANIES)}的{r.choice(PRODUCTS)}价格已上涨{r.randint(5, 80)}%。"
        return f"业内人士认为，{r.choice(CLAUSES)}，而{r.choice(COMPANIES)}和{r.choice(COMPANIES)}正在加快布局{r.choice(PRODUCTS)}。"

    def _sentence(self) -> str:
        # Mostly generated sentences: real articles share few paragraphs outside re-posts, and a
        # small pool of seed sentences would make every short paragraph a near-duplicate.
        if self.sentences and self.rng.random() < 0.25:
            return self.rng.choice(self.sentences)
        return self._generated_sentence()

    def _article(self) -> tuple[str, list[str]]:
        r = self.rng
        title = f"{r.choice(COMPANIES)}{r.choice(VERBS)}{r.choice(OBJECTS)}：{r.choice(CLAUSES)}"
        paragraphs = [
            "".join(self._sentence() for _ in range(r.randint(2, 5))) for _ in range(r.randint(6, 24))
        ]
        # A section heading now and then, as long articles have.
        for _ in range(r.randint(0, 2)):
            paragraphs.insert(
                r.randrange(1, len(paragraphs)),
                f"{r.choice(COMPANIES)}{r.choice(['加速布局', '仍有差距', '的新机会', '面临挑战'])}",
            )
        return title, paragraphs

    def _related(self) -> list[str]:
        r = self.rng
        head = [r.choice(["猜你喜欢", "相关阅读", "精彩推荐", "热门文章"])]
        items = []
        for _ in range(r.randint(4, 14)):
            teaser = (
                r.choice(TEASERS)
                if r.random() < 0.6
                else f"{r.choice(COMPANIES)}{r.choice(VERBS)}{r.choice(OBJECTS)}"
            )
            items.append(f"{teaser}\n\n{r.choice(MEDIA)} 浏览 {r.randint(1000, 99999)}")
        return head + items

    def _comments(self) -> list[str]:
        r = self.rng
        out = []
        for _ in range(r.randint(1, 5)):
            when = r.choice(
                [
                    f"{r.randint(1, 23)} 小时前",
                    f"前天 {r.randint(0, 23):02d}:{r.randint(0, 59):02d}",
                    f"{r.randint(2, 9)} 天前",
                ]
            )
            out += [
                "-",
                self._sentence(),
                f"- {r.choice(USERS)}",
                f"- {when}",
                "- 支持",
                "- 反对",
                "- 回复",
                "- 收藏",
            ]
        return out

    # ------------------------------------------------------------------ pages
    def _render(self, site: Site, title: str, paragraphs: list[str], spun: bool) -> str:
        r = self.rng
        date = f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"
        lines = [site.menu, site.breadcrumb, "", title, ""]
        lines.append(
            r.choice(
                [
                    f"{site.name}{date}  来源：{r.choice(MEDIA)}",
                    f"发表于 {date}",
                    f"{date} 作者：{r.choice(PEOPLE)}",
                ]
            )
        )
        lines.append(f"浏览 {r.randint(10, 99999)}")
        lines.append("")
        body = [self._spin(p) for p in paragraphs] if spun else paragraphs
        for p in body:
            if site.style == 0:
                lines += ["\u3000\u3000" + p, ""]
            elif site.style == 1:
                lines.append(p)
            else:
                lines += [p, ""]
        lines.append(site.disclaimer)
        lines.append(site.share)
        if r.random() < 0.5:
            lines.append("关键词：" + " ".join(r.sample(COMPANIES, 3)))
        if r.random() < 0.7:
            lines += self._related()
        if r.random() < 0.4:
            lines += self._comments()
        lines += site.footer
        if site.traditional:
            lines = [_to_hant(line) for line in lines]
        return "\n".join(lines) + "\n"

    @staticmethod
    def _spin(text: str) -> str:
        for word, spun in SPIN.items():
            text = text.replace(word, spun)
        return text

    def pages(self, n: int) -> list[tuple[str, Site, str]]:
        """(id, site, text) of n pages; ~6 % exact re-posts, ~6 % near-duplicates, ~4 % spun."""
        r = self.rng
        articles: list[tuple[str, list[str]]] = []
        out = []
        for i in range(n):
            site = r.choice(self.sites)
            roll = r.random()
            if articles and roll < 0.06:  # exact re-post of an earlier article on another site
                title, paragraphs = r.choice(articles)
            elif articles and roll < 0.12:  # near-duplicate: one paragraph changed, one added
                title, paragraphs = r.choice(articles)
                paragraphs = list(paragraphs)
                paragraphs[r.randrange(len(paragraphs))] = self._generated_sentence()
                paragraphs.append(self._generated_sentence())
            else:
                title, paragraphs = self._article()
                if len(articles) < 5000:  # a bounded pool of re-postable articles
                    articles.append((title, paragraphs))
                else:
                    articles[r.randrange(len(articles))] = (title, paragraphs)
            spun = r.random() < 0.04
            text = self._render(site, title, paragraphs, spun)
            digest = hashlib.sha256(f"{i}\x00{text}".encode()).hexdigest()[:16]
            out.append((f"{i:06d}_{digest}", site, text))
        return out


def generate(out: Path, pages: int, seed: int = 1) -> Path:
    """Write the crawl into ``out`` (raw/ + sources.yaml) and return ``out``."""
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for stale in raw.glob("*.txt"):
        stale.unlink()
    entries = []
    for doc_id, site, text in CrawlGenerator(seed).pages(pages):
        data = text.encode("utf-8")
        (raw / f"{doc_id}.txt").write_bytes(data)
        entries.append(
            {
                "id": doc_id,
                "file": f"raw/{doc_id}.txt",
                "sha256": hashlib.sha256(data).hexdigest(),
                "site": site.name,
                "publisher": site.name,
                "url": f"https://{site.domain}/{doc_id}.html",
                "retrieved": None,
                "licence": "Synthetic benchmark page generated by benchmarks/generate.py.",
            }
        )
    doc = {"schema_version": 1, "sources": entries}
    text = "# Synthetic crawl for benchmarks (benchmarks/generate.py); not part of the dataset.\n"
    text += yaml.dump(
        doc,
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
        allow_unicode=True,
        sort_keys=False,
        width=200,
    )
    (out / "sources.yaml").write_text(text, encoding="utf-8")
    return out


def page_html(site: Site, text: str) -> str:
    """A crawled page's HTML: the title in <title> and <h1>, one <p> per non-blank line."""
    lines = [line for line in text.split("\n") if line.strip()]
    title = lines[2] if len(lines) > 2 else lines[0]
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return (
        f"<!DOCTYPE html>\n<html><head><title>{html.escape(title)}_{html.escape(site.name)}</title></head>\n"
        f"<body>\n<h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n"
    )


def generate_warc(path: Path, pages: int, seed: int = 1) -> Path:
    """Write the crawl as one WARC file (gzip per record when ``path`` ends in .gz)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        for i, (doc_id, site, text) in enumerate(CrawlGenerator(seed).pages(pages)):
            url = f"https://{site.domain}/{doc_id}.html"
            date = (start + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            legacy = i % 10 == 9 and not site.traditional
            body = page_html(site, text).encode("gbk" if legacy else "utf-8", errors="xmlcharrefreplace")
            headers = {"WARC-Date": date, "WARC-Record-ID": f"<urn:uuid:{_uuid(seed, i, 'request')}>"}
            request = StatusAndHeaders(f"GET /{doc_id}.html HTTP/1.1", [("Host", site.domain)], is_http_request=True)
            writer.write_record(
                writer.create_warc_record(url, "request", payload=BytesIO(b""), http_headers=request, warc_headers_dict=headers)
            )
            ctype = f"text/html; charset={'gbk' if legacy else 'utf-8'}"
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            headers = {"WARC-Date": date, "WARC-Record-ID": f"<urn:uuid:{_uuid(seed, i, 'response')}>"}
            writer.write_record(
                writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http, warc_headers_dict=headers)
            )
    return path


def _uuid(seed: int, i: int, kind: str) -> str:
    """A record id from the arguments (warcio would draw a random one: same arguments, same bytes)."""
    h = hashlib.sha256(f"{seed}/{i}/{kind}".encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pages", type=int, default=1000)
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", help="corpus folder to write (raw/ + sources.yaml)")
    where.add_argument("--warc", help="WARC file to write instead (.warc.gz or .warc)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if args.warc:
        path = generate_warc(Path(args.warc), args.pages, args.seed)
        print(f"{path}: {args.pages} pages, {path.stat().st_size / 1e6:.1f} MB")
        return 0
    out = generate(Path(args.out), args.pages, args.seed)
    size = sum(f.stat().st_size for f in (out / "raw").iterdir())
    print(f"{out}: {args.pages} pages, {size / 1e6:.1f} MB raw")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
