"""The words the extractor knows: surnames, titles, organisation stems and supervisory acts.

Kept as data in one place so that adding a title or a kind of act is a one-line change.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

# Single-character surnames: the 百家姓 and the common modern ones. Characters that are
# everyday function words (与, 和, 在, 对 …) are left out: after a title they start a clause
# far more often than a name.
SURNAMES = set(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎"
    "鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于傅皮卞齐康伍余元卜顾孟平"
    "黄穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭"
    "梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮"
    "龚程嵇邢滑裴陆荣翁荀羊惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫"
    "宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双闻"
    "莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向"
    "古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾"
    "毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公覃岳涂钟付佘揭"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                     "夏侯", "令狐", "端木", "西门", "南宫")
# A given name never contains these (they end the name and start the next word).
NOT_IN_NAME = set("的了在是和与及或等对向把被将为于从说称指介表告感就也都已又再并且但而会上下中里内外后前时"
                  "、，。；：！？,;:!?“”‘’（）()《》【】 \n\t0123456789某"
                  "省市县区镇乡局委厅")
MASK = "某"

# Titles, longest first when matched. A post is "unit + title"; a person follows the title.
TITLES = sorted({
    "党组书记", "党组副书记", "党委书记", "党委副书记", "党工委书记", "党总支书记", "党支部书记", "总支书记", "支部书记",
    "纪检组长", "纪检委员", "监察专员", "纪检监察员",
    "书记", "副书记", "常委", "委员", "主任", "副主任", "局长", "副局长", "分局长", "组长", "副组长", "院长", "副院长",
    "主席", "副主席", "部长", "副部长", "省长", "副省长", "市长", "副市长", "县长", "副县长", "区长", "副区长",
    "镇长", "副镇长", "乡长", "副乡长", "村长", "厅长", "副厅长", "处长", "副处长", "科长", "副科长", "所长", "副所长",
    "站长", "队长", "大队长", "支队长", "政委", "检察长", "副检察长", "庭长", "董事长", "副董事长", "总经理", "副总经理",
    "经理", "秘书长", "副秘书长", "主任委员", "校长", "副校长", "行长", "副行长", "调研员", "主任科员", "科员",
    "党组成员", "班子成员", "村支书", "村主任", "村民", "村干部", "会计", "出纳", "工作人员", "干部", "职工",
    "记者", "通讯员", "巡察组组长", "巡视组组长", "督查员", "专干",
    "党支部委员", "支部委员", "党总支委员", "村委会主任", "村委会副主任", "居委会主任",
    "股长", "副股长", "馆长", "副馆长", "报账员", "常务副市长", "常务副县长", "常务副区长", "实际控制人", "法定代表人", "负责人",
}, key=len, reverse=True)
# How the name of a unit a table of departments cannot list ends (文化和广电旅游体育局, 公路养护中心,
# 社会救助股, 第二巡察组): one of these, right before a title.
UNIT_ENDINGS = ("委员会", "办公室", "领导小组", "中心", "局", "馆", "所", "站", "院", "股", "科", "队", "组", "室",
                "公司", "学校", "卫生院", "医院")
REPORTER_TITLES = ("记者", "通讯员", "特约记者", "见习记者", "实习生")
# Titles that mean the person leads the unit (一把手).
TOP_TITLES = {"党组书记", "党委书记", "党工委书记", "党总支书记", "党支部书记", "书记", "局长", "院长", "县长", "区长", "市长",
              "省长", "镇长", "乡长", "厅长", "检察长", "董事长", "总经理", "校长", "行长", "村支书", "村主任", "组长"}

# Words that follow a name (the name ends right before them).
AFTER_NAME = sorted({
    "介绍", "表示", "说", "告诉", "感叹", "指出", "强调", "认为", "坦言", "坦承", "回忆", "说道", "透露", "谈到", "提出", "要求",
    "述责", "述职", "述廉", "找到", "反映", "举报", "及时", "和", "与", "及", "等", "同志", "就", "在", "对", "向", "将", "把",
    "被", "因", "为", "的", "了", "是", "也", "主持", "参加", "出席", "带队", "接受", "涉嫌", "严重", "违纪", "违法", "受贿",
    "利用", "收受", "曾", "于", "一起", "一行", "、", "，", "。", "；", "：", "！", "？", "“", "”", "（", "(", "）", ")", "\n",
    ",", ";", ":", "!", "?", " ",
    "先后", "随后", "当场", "主动", "现场", "深刻", "承认", "交代", "来到", "走进", "召开", "组织", "带领", "率", "一",
}, key=len, reverse=True)

# Department stems (full and short forms); a stem plus a unit suffix is a department.
DEPARTMENT_STEMS = {
    "发展和改革": "发展和改革", "发改": "发展和改革", "财政": "财政", "教育": "教育", "公安": "公安", "民政": "民政",
    "司法": "司法", "人力资源和社会保障": "人力资源和社会保障", "人社": "人力资源和社会保障", "自然资源": "自然资源",
    "自然资源和规划": "自然资源和规划", "生态环境": "生态环境", "环保": "环境保护", "环境保护": "环境保护",
    "生态环境保护": "生态环境保护", "住房和城乡建设": "住房和城乡建设", "住建": "住房和城乡建设", "交通运输": "交通运输",
    "交通": "交通运输", "水利": "水利", "水务": "水务", "农业农村": "农业农村", "农业": "农业", "商务": "商务",
    "文化和旅游": "文化和旅游", "文旅": "文化和旅游", "文化广电和旅游": "文化广电和旅游", "卫生健康": "卫生健康",
    "卫健": "卫生健康", "卫生": "卫生", "退役军人事务": "退役军人事务", "应急管理": "应急管理", "应急": "应急管理",
    "审计": "审计", "国有资产监督管理": "国有资产监督管理", "国资": "国有资产监督管理", "市场监督管理": "市场监督管理",
    "市场监管": "市场监督管理", "统计": "统计", "医疗保障": "医疗保障", "医保": "医疗保障", "林业": "林业",
    "林业和草原": "林业和草原", "城市管理": "城市管理", "城管": "城市管理", "综合行政执法": "综合行政执法",
    "行政审批": "行政审批", "信访": "信访", "税务": "税务", "粮食和物资储备": "粮食和物资储备", "粮食": "粮食",
    "乡村振兴": "乡村振兴", "扶贫": "扶贫", "体育": "体育", "科技": "科学技术", "科学技术": "科学技术",
    "工业和信息化": "工业和信息化", "工信": "工业和信息化", "经济和信息化": "经济和信息化", "经信": "经济和信息化",
    "能源": "能源", "住房公积金管理": "住房公积金管理", "不动产登记": "不动产登记", "规划": "规划", "国土资源": "国土资源",
    "国土": "国土资源", "房产管理": "房产管理", "房管": "房产管理", "交警": "交通警察", "消防救援": "消防救援",
    "气象": "气象", "民族宗教事务": "民族宗教事务", "民宗": "民族宗教事务", "数据": "数据", "大数据": "大数据",
    "政务服务": "政务服务", "机关事务管理": "机关事务管理", "人防": "人民防空", "人民防空": "人民防空", "档案": "档案",
    "地方金融监督管理": "地方金融监督管理", "金融": "金融", "商务和投资促进": "商务和投资促进", "投资促进": "投资促进",
    "自然资源资产": "自然资源资产", "公共资源交易": "公共资源交易", "疾病预防控制": "疾病预防控制",
}
DEPARTMENT_SUFFIXES = ("分局", "局", "委员会", "委", "办公室", "办", "厅", "中心", "所", "站")

# Party and state bodies that follow a place name directly (县委, 市纪委监委 …): surface → (formal, kind).
# "{place}" is the place's full name. The kinds of organisation an extraction reports: party_committee,
# government_department, oversight_body, court_procuratorate_police, soe, village_or_community, other
# (ingest/text/records.py turns them into ontology labels).
BODIES = {
    "纪委监委": ("{place}纪律检查委员会监察委员会", "oversight_body"),
    "纪委": ("{place}纪律检查委员会", "oversight_body"),
    "纪工委": ("{place}纪律检查工作委员会", "oversight_body"),
    "监委": ("{place}监察委员会", "oversight_body"),
    "纪律检查委员会": ("{place}纪律检查委员会", "oversight_body"),
    "监察委员会": ("{place}监察委员会", "oversight_body"),
    "委常委会": ("中共{place}委员会常务委员会", "party_committee"),
    "委组织部": ("中共{place}委员会组织部", "oversight_body"),
    "委宣传部": ("中共{place}委员会宣传部", "party_committee"),
    "委政法委": ("中共{place}委员会政法委员会", "party_committee"),
    "委巡察办": ("中共{place}委员会巡察工作领导小组办公室", "oversight_body"),
    "委巡察组": ("中共{place}委员会巡察组", "oversight_body"),
    "委": ("中共{place}委员会", "party_committee"),
    "党委": ("中共{place}委员会", "party_committee"),
    "委员会": ("中共{place}委员会", "party_committee"),
    "人民政府": ("{place}人民政府", "government_department"),
    "政府": ("{place}人民政府", "government_department"),
    "人大常委会": ("{place}人民代表大会常务委员会", "other"),
    "人大": ("{place}人民代表大会", "other"),
    "政协": ("中国人民政治协商会议{place}委员会", "other"),
    "中级人民法院": ("{place}中级人民法院", "court_procuratorate_police"),
    "人民法院": ("{place}人民法院", "court_procuratorate_police"),
    "法院": ("{place}人民法院", "court_procuratorate_police"),
    "人民检察院": ("{place}人民检察院", "court_procuratorate_police"),
    "检察院": ("{place}人民检察院", "court_procuratorate_police"),
    "公安局": ("{place}公安局", "court_procuratorate_police"),
    "公安分局": ("{place}公安分局", "court_procuratorate_police"),
    "审计局": ("{place}审计局", "oversight_body"),
    "信访局": ("{place}信访局", "oversight_body"),
    "巡察办": ("中共{place}委员会巡察工作领导小组办公室", "oversight_body"),
    "经济技术开发区": ("{place}经济技术开发区", "other"),
    "经济开发区": ("{place}经济技术开发区", "other"),
    "高新技术产业开发区": ("{place}高新技术产业开发区", "other"),
    "高新区": ("{place}高新技术产业开发区", "other"),
}
# Parts inside a body: 市纪委监委党风政风监督室, 市纪委监委驻自然资源局纪检监察组, 县纪委第一纪检监察室.
# Parts named by a word of their own (党风政风监督室, 第一监督检查室) and parts named by the ending alone.
SUB_UNIT_ENDINGS = ("监督检查室", "审查调查室", "纪检监察室", "监督室")
SUB_UNIT_WORDS = ("常委会", "办公室", "信访室", "案件审理室", "审理室", "巡察办", "巡察组", "巡视组")
# Organisations named without a place.
NATIONAL_BODIES = {
    "中共中央": ("中共中央", "party_committee"), "中央纪委国家监委": ("中央纪律检查委员会国家监察委员会", "oversight_body"),
    "中央纪委": ("中央纪律检查委员会", "oversight_body"), "国家监委": ("国家监察委员会", "oversight_body"),
    "党中央": ("中共中央", "party_committee"), "国务院": ("国务院", "government_department"),
    "审计署": ("审计署", "oversight_body"), "最高人民法院": ("最高人民法院", "court_procuratorate_police"),
    "最高人民检察院": ("最高人民检察院", "court_procuratorate_police"), "中央巡视组": ("中央巡视组", "oversight_body"),
}
MEDIA_SUFFIXES = ("日报", "晚报", "晨报", "商报", "电视台", "广播电视台", "新闻网", "融媒体中心")

# Supervisory acts: the words that name them (longest first) → the canonical type. Types in the
# ontology's SUPERVISED.kind list become SUPERVISED edges; the others stay in the extraction.
ACT_WORDS = {
    "立案审查调查": "立案审查调查", "立案查处": "立案审查调查", "立案审查": "立案审查调查", "审查调查": "立案审查调查",
    "立案调查": "立案审查调查", "约谈提醒": "约谈", "约谈": "约谈", "提醒谈话": "谈话提醒", "谈话提醒": "谈话提醒",
    "廉政谈话": "廉政谈话", "集体谈话": "谈话提醒", "个别谈话": "谈话提醒", "谈心谈话": "谈话提醒",
    "诫勉谈话": "诫勉谈话", "诫勉": "诫勉谈话", "函询": "函询", "述责述廉": "述责述廉", "述职述廉": "述责述廉",
    "述廉述效": "述责述廉", "质询": "质询", "问效": "质询", "巡察": "巡察", "巡视": "巡察",
    "经济责任审计": "经济责任审计", "离任审计": "离任审计", "警示教育": "警示教育", "党纪政务处分": "处分",
    "党纪处分": "处分", "政务处分": "处分", "处分": "处分", "移送检察机关": "移送检察机关", "移送司法机关": "移送检察机关",
    "追责问责": "问责", "问责": "问责", "澄清正名": "澄清正名", "提醒函": "提醒函", "发函提醒": "提醒函",
    "纪检监察建议书": "纪检监察建议书", "监察建议书": "纪检监察建议书", "点评": "点评",
    "纪律审查": "立案审查调查", "监察调查": "立案审查调查", "开除党籍": "处分", "开除公职": "处分",
    "留置": "留置", "提起公诉": "提起公诉", "判处": "判决",
}
# Acts whose object follows the verb (约谈X); for the others the one acted on comes first (X述责述廉).
OBJECT_AFTER = {"立案审查调查", "约谈", "谈话提醒", "廉政谈话", "诫勉谈话", "函询", "质询", "巡察", "经济责任审计",
                "离任审计", "问责", "澄清正名", "提醒函", "纪检监察建议书", "点评", "移送检察机关", "警示教育", "留置",
                "提起公诉"}

# A case written as a problem under review: 对张三严重违纪违法问题进行了立案审查调查, 张三涉嫌严重违纪违法.
CASE_UNDER_REVIEW = r"(?:涉嫌)?严重违纪违法(?:问题)?(?=[^。]{0,12}?(?:立案|审查|调查|接受))"
CASE_TRIGGER = (r"(?:(?:严重)?(?:违纪违法|违法违纪|违纪|违法|职务犯罪|受贿|贪污|挪用公款|滥用职权|玩忽职守|腐败)(?:问题)?"
                r"|(?:违规|插手|受贿|行贿|贪污|挪用|侵占|套取|骗取|失职|渎职)(?:(?!问题|立案)[\u4e00-\u9fff]){0,8}?)"
                r"(?:案件|案)(?![发例由卷])")


def _jieba_dict() -> Path | None:
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def _dictionary(keep: Callable[[str, str], bool]) -> frozenset[str]:
    """The words of jieba's dictionary seen at least 30 times that `keep(word, tag)` accepts."""
    path = _jieba_dict()
    if path is None or not path.exists():
        return frozenset()
    words = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, freq, *tag = line.split()
            if int(freq) >= 30 and keep(word, tag[0] if tag else ""):
                words.add(word)
    return frozenset(words)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Two- and three-character words from jieba's dictionary that are not person names
    (达成, 谈话, 成效): a candidate name equal to one of them is a word, not a person."""
    return _dictionary(lambda word, tag: 2 <= len(word) <= 3 and not tag.startswith("nr"))


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Two-character words jieba's dictionary files as verbs, adverbs, prepositions, pronouns and
    other classes that never name a place (召开, 协助, 听到)."""
    return _dictionary(lambda word, tag: len(word) == 2 and tag[:1] in tuple("vpcdrumqaft"))


@lru_cache(maxsize=1)
def verbs() -> frozenset[str]:
    """Two-character verbs (涉嫌, 收受): never a given name (立新, an adverb, is one)."""
    return _dictionary(lambda word, tag: len(word) == 2 and tag.startswith("v"))
