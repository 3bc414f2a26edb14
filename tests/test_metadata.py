"""Metadata from page text (both scripts) and its rules; unknown stays unknown."""

from __future__ import annotations

import pytest

from builders.clean import clean_document
from builders.enrich.metadata import extract_metadata, parse_datetime
from builders.extract import split_lines
from builders.record import Document, Field, Source

BODY = (
    "国内多家数据中心运营商表示，高端加速卡的到货时间一再推迟，部分项目不得不调整上线计划，客户对此颇有微词。",
    "业内人士指出，算力资源的紧张程度在今年上半年进一步加剧，二手市场上的整机价格比去年同期上涨了五成以上。",
    "多位受访者认为，国产芯片在推理场景已具备替代能力，但训练集群的软件生态仍需时间打磨，短期难以全面替代。",
)


def run(text: str, meta: dict[str, str] | None = None) -> Document:
    source = Source("m1", "raw/m1.txt", "0" * 64, None, None, None, None, "test page")
    doc = Document(
        id="m1",
        source=source,
        raw_sha256="0" * 64,
        encoding="utf-8",
        format="text",
        raw_text=text,
        html_meta=meta or {},
    )
    doc.lines = split_lines(text)
    return extract_metadata(clean_document(doc, {}, 1))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-6-20 17:44:35", "2024-06-20T17:44:35+08:00"),
        ("２０２４年３月５日 ０９:３０", "2024-03-05T09:30+08:00"),  # full-width digits
        ("2023年06月30日10时01分", "2023-06-30T10:01+08:00"),
        ("2024/01/02", "2024-01-02"),
        ("2024-02-29T16:05:00Z", "2024-02-29T16:05:00+00:00"),
        ("2024-02-29T16:05:00+0900", "2024-02-29T16:05:00+09:00"),
        ("8月11日讯", None),  # no year: never guessed
        ("2023-02-30", None),  # not a date
        ("发布于昨天", None),
        # The 12-hour clock of Taiwan and Hong Kong pages (mutation caught: the half-day word
        # ignored, 下午3:15 read as 03:15, or the time dropped as before).
        ("2024年3月8日 週五 下午3:15", "2024-03-08T15:15+08:00"),
        ("2024/03/08 下午 03:15", "2024-03-08T15:15+08:00"),
        ("2024年3月8日 上午8:30", "2024-03-08T08:30+08:00"),
        ("2024年3月8日 中午1:05", "2024-03-08T13:05+08:00"),
        ("2024年3月8日 中午12:30", "2024-03-08T12:30+08:00"),
        ("2024年3月8日 凌晨12:10", "2024-03-08T00:10+08:00"),
        ("2024-03-08 03:15 PM", "2024-03-08T15:15+08:00"),
        ("2024-03-08 12:15 AM", "2024-03-08T00:15+08:00"),
        ("2024年3月8日 下午15:00", "2024-03-08"),  # contradicts itself: the date alone
        # Minguo years only behind 民國 (a bare 113年 is a count of years).
        ("民國113年3月8日", "2024-03-08"),
        ("民国113年3月8日 下午2:00", "2024-03-08T14:00+08:00"),
        ("113年3月8日", None),
    ],
)
def test_parse_datetime(raw: str, expected: str | None) -> None:
    assert parse_datetime(raw) == expected


def test_simplified_byline_fields() -> None:
    page = "\n".join(
        [
            "高端加速卡到货再推迟",
            "2024-05-08 08:15:02　来源：南方财讯　作者：林晓",
            "",
            *BODY,
            "责任编辑：周七",
        ]
    )
    doc = run(page)
    assert (doc.title.value, doc.title.rule) == ("高端加速卡到货再推迟", "title-line")
    assert (doc.published_at.value, doc.published_at.rule) == ("2024-05-08T08:15:02+08:00", "byline-date")
    assert (doc.publisher.value, doc.publisher.rule) == ("南方财讯", "source-label")
    assert (doc.author.value, doc.author.rule) == ("林晓", "byline-author")


def test_traditional_byline_fields() -> None:
    body = [
        "伺服器需求強勁，多家代工廠表示新一代繪圖處理器的訂單已排到明年第二季，產能吃緊的狀況短期內難以改善。",
        "業者指出，散熱模組與電源供應器同樣出現缺料，供應鏈正在擴建新廠，預計下半年陸續投產以因應需求。",
        "法人分析，今年伺服器出貨量可望成長兩成以上，相關供應鏈營收也將同步受惠，但仍須留意地緣政治風險。",
    ]
    page = "\n".join(
        ["輝達晶片供不應求", "2024年4月18日 10:12", "記者王小明／台北報導", "來源：經濟日報", *body]
    )
    doc = run(page)
    assert doc.title.value == "輝達晶片供不應求"
    assert doc.published_at.value == "2024-04-18T10:12+08:00"
    assert (doc.publisher.value, doc.publisher.rule) == ("經濟日報", "source-label")  # kept in its script
    assert (doc.author.value, doc.author.rule) == ("王小明", "reporter-label")


def test_dateline_reporter_and_outlet_in_first_paragraph() -> None:
    first = "《数智周刊》3月2日讯（记者 赵一鸣）多家云厂商今日宣布上调算力租赁价格，涨幅在一到二成之间。"
    doc = run("\n".join(["云厂商集体涨价", first, *BODY]))
    assert (doc.author.value, doc.author.rule) == ("赵一鸣", "dateline-reporter")
    assert (doc.publisher.value, doc.publisher.rule) == ("数智周刊", "dateline-outlet")
    assert doc.published_at == Field(None, None)  # 3月2日 has no year


def test_dateline_with_year() -> None:
    first = "新华社北京2024年3月2日电 多家云厂商今日宣布上调算力租赁价格，涨幅在一到二成之间，引发关注。"
    doc = run("\n".join(["云厂商集体涨价", first, *BODY]))
    assert (doc.published_at.value, doc.published_at.rule) == ("2024-03-02", "dateline-regex")


def test_unknown_stays_unknown() -> None:
    doc = run("\n".join(["算力之困", *BODY]))
    assert doc.title.value == "算力之困"
    assert doc.published_at == Field(None, None)
    assert doc.publisher == Field(None, None)
    assert doc.author == Field(None, None)


def test_author_that_is_the_publisher_account_is_skipped() -> None:
    page = "\n".join(
        ["大模型的算力账本", "2023-07-01 09:00 专栏 作者：硅谷观察", "文/刘青", "来源/硅谷观察", *BODY]
    )
    doc = run(page)
    assert doc.publisher.value == "硅谷观察"
    assert (doc.author.value, doc.author.rule) == ("刘青", "byline-author")


def test_site_name_before_date_and_disclaimer_site() -> None:
    page = "\n".join(["芯片订单排到明年", "硬核科技网 2024-01-09 11:20 阅读 3021", *BODY])
    doc = run(page)
    assert (doc.publisher.value, doc.publisher.rule) == ("硬核科技网", "byline-site")
    page = "\n".join(
        [
            "芯片订单排到明年",
            "发表于 2024-01-09",
            *BODY,
            "声明：本文观点仅代表作者本人，不代表ChipTalk.net立场。",
        ]
    )
    doc = run(page)
    assert (doc.publisher.value, doc.publisher.rule) == ("ChipTalk.net", "disclaimer-site")


def test_forum_poster_line() -> None:
    page = "\n".join(["讨论：算力到底缺不缺", "gpu_hunter", "发表于 2024-3-1 10:00:00", *BODY])
    doc = run(page)
    assert (doc.author.value, doc.author.rule) == ("gpu_hunter", "poster-line")
    assert doc.published_at.value == "2024-03-01T10:00:00+08:00"


def test_appended_column_tag_is_not_part_of_the_title() -> None:
    doc = run("\n".join(["算力缺口有多大？ 今日快讯", *BODY]))
    assert doc.title.value is not None and doc.title.value.rstrip("?？") == "算力缺口有多大"
    doc = run("\n".join(["专访：算力缺口有多大", *BODY]))
    assert doc.title.value == "专访：算力缺口有多大"


def test_hong_kong_dateline_outlet_and_weekday_time() -> None:
    page = "\n".join(
        [
            "明報新聞網",
            "人工智能晶片荒 港企排隊等貨",
            "2024年3月8日 星期五 06:00",
            "【明報專訊】人工智能熱潮帶動晶片需求，本港多家數據中心營運商表示，高階圖形處理器的交貨期已延長。",
            "有業界人士透露，部分企業轉向租用雲端算力，但價格較去年上升約三成，中小企業壓力最大。",
            "分析員認為，供應緊張情況最快要到明年才會紓緩，但新產能投產後價格或回落。",
        ]
    )
    doc = run(page)
    assert doc.title.value == "人工智能晶片荒 港企排隊等貨"
    assert doc.published_at.value == "2024-03-08T06:00+08:00"
    assert (doc.publisher.value, doc.publisher.rule) == ("明報", "dateline-outlet")
    assert doc.author == Field(None, None)


def test_portal_byline_with_outlet_after_date_and_lead_reporter() -> None:
    page = "\n".join(
        [
            "新浪财经",
            "打开新浪财经APP 查看更多",
            "算力告急：一卡难求的背后",
            "2024年02月26日 07:50 经济观察报",
            "字号 大 中 小",
            "经济观察报 记者 王晨 春节过后，多家人工智能公司开始新一轮的算力采购，但市场上的高端卡依然紧缺。",
            "一位算力租赁商告诉记者，目前八卡服务器的月租金已经上涨到十万元以上，且需要提前预订。",
            "“现在不是有没有钱的问题，而是有钱也买不到。”他说。",
            "责任编辑：张倩",
        ]
    )
    doc = run(page)
    assert doc.title.value == "算力告急：一卡难求的背后"
    assert doc.published_at.value == "2024-02-26T07:50+08:00"
    assert (doc.publisher.value, doc.publisher.rule) == ("经济观察报", "byline-site")
    assert (doc.author.value, doc.author.rule) == ("王晨", "dateline-reporter")
