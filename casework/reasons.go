package casework

import (
	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/knowledge"
)

// reason is a text the triage gives for a step, or a question it asks, in both languages.
type reason = knowledge.Text

// Why a step is in the plan.
var (
	whyPoliceFreeze = reason{
		ZH: "钱已经付给了冒充者或诈骗方，报警后警方可以通知银行和支付机构紧急止付、冻结对方账户，越早报越有希望追回。",
		EN: "The money went to an impostor or a fraudster. Once you report it, the police can ask banks and payment providers to stop the payment and freeze the receiving account; the earlier, the better the odds.",
	}
	whyPoliceReport = reason{
		ZH: "即使还没有付钱，冒充平台的人可能已经掌握你的信息，向警方报告有助于打击同一团伙。",
		EN: "Even if no money has gone, someone posing as the platform may hold your details; a report helps the police act against the group behind it.",
	}
	whyPoliceIfFraud = reason{
		ZH: "如果对方收钱后失联、拒不发货或货物明显是假冒品，这已不只是消费纠纷，可以报警。",
		EN: "If the other side takes the money and disappears, never ships, or sends obvious fakes, this is more than a consumer dispute and you can go to the police.",
	}
	whyBankTransfer = reason{
		ZH: "钱是转账付出的：马上联系你的银行或支付App客服，说明被骗并询问能否止付或追回，同时要一份转账凭证。",
		EN: "You paid by transfer: call your bank or payment app at once, say you were cheated, ask whether the payment can be stopped or recalled, and get a record of the transfer.",
	}
	whyCardDispute = reason{
		ZH: "用银行卡或信用卡付的款：可以向发卡行申请争议处理（拒付），它有时间限制，要尽快提出。",
		EN: "You paid by card: you can ask the card issuer to dispute (charge back) the payment; this has a deadline, so ask soon.",
	}
	whyFakeSite = reason{
		ZH: "网站或App本身就是假的或违法的：向12377举报，有助于让它被查处和关停，保护其他人。",
		EN: "The site or app itself is fake or illegal: reporting it to 12377 helps get it investigated and taken down before it cheats others.",
	}
	whyGovHotline = reason{
		ZH: "12345政务服务热线受理各类投诉并转交主管部门，其他渠道没有回应时可以用它督促。",
		EN: "The 12345 government service hotline takes any complaint and passes it to the authority in charge; use it to push when other channels do not answer.",
	}
	whyTellRealPlatform = reason{
		ZH: "骗子冒充的是这个平台：通过官方App联系真正的平台，核实订单和账户是否安全，并告诉平台有人冒用它的名义，你的订单信息可能已经泄露。",
		EN: "The scammer posed as this platform: contact the real platform through its official app, check your orders and account are safe, and tell it that someone is using its name; your order data may have leaked.",
	}
	whyPlatformBuyer = reason{
		ZH: "骗你的是平台上的买家：在平台内申诉，提供发货和沟通记录；平台掌握对方的身份和交易数据。",
		EN: "A buyer on the platform cheated you: open a dispute inside the platform with your shipping and chat records; the platform knows who the buyer is and holds the transaction data.",
	}
	whyMerchantFirst = reason{
		ZH: "先直接向商家提出要求（退货、退款或赔偿）并留下书面记录，多数纠纷在这一步就能解决，后续投诉也需要这份记录。",
		EN: "First put your demand (return, refund or compensation) to the seller in writing; many disputes end here, and later complaints need this record.",
	}
	whyPlatformDispute = reason{
		ZH: "交易在平台上完成：平台有义务处理纠纷，担保交易的钱在确认收货前通常还在平台手里，先不要确认收货。",
		EN: "The deal went through the platform, which must handle disputes; with escrow the money usually stays with the platform until you confirm delivery, so do not confirm it.",
	}
	whyPlatformOffsite = reason{
		ZH: "对方把你引到平台外付款，这违反平台规则：向平台举报这个卖家账号，并请平台提供对方的身份信息以便维权。",
		EN: "The seller got you to pay outside the platform, which breaks its rules: report the seller's account and ask the platform for the seller's identity so you can pursue them.",
	}
	why12315 = reason{
		ZH: "商家或平台不解决时，向市场监管部门（12315）投诉，由其调解或查处。",
		EN: "If the seller or platform will not fix it, complain to the market regulator through 12315, which mediates or takes action.",
	}
	whyArbitration = reason{
		ZH: "你说你们约定了仲裁：可以向约定的仲裁机构申请，裁决是终局的、有法律效力。",
		EN: "You said you agreed to arbitration: you can apply to the institution you agreed on; the award is final and binding.",
	}
	whyCourt = reason{
		ZH: "其他途径都不行时，可以向人民法院起诉；小额案件有简易的程序，很多法院支持网上立案。",
		EN: "When nothing else works, you can sue in a people's court; small claims have a simple procedure and many courts accept filings online.",
	}
	whyReportCallsAndTexts = reason{
		ZH: "冒充者多半通过电话、短信或邮件找到你：把号码、短信和链接向12321举报，帮助运营商尽快处置。",
		EN: "Impostors usually reach people by phone, text or e-mail: report the number, the message and any link to 12321 so the carriers can act on them sooner.",
	}
	whereSellerIs = reason{
		ZH: "你填写的商家所在地是“{place}”：按下面的规则确定向哪里的市场监管部门投诉。",
		EN: "You said the seller is in \"{place}\": use the rules below to find the market regulator to complain to.",
	}
	whereSellerIsCourt = reason{
		ZH: "你填写的商家所在地是“{place}”：按下面的规则，可以在被告所在地起诉，快递送到的收货地通常也可以。",
		EN: "You said the seller is in \"{place}\": under the rules below you can sue where the defendant is, and usually also where the goods were delivered.",
	}
	findSellerPlace = reason{
		ZH: "先弄清卖家的真实名称和地址：看店铺页面公示的营业执照信息、发票上的单位，或请平台提供卖家的真实名称、地址和联系方式。",
		EN: "Find out the seller's real name and address: look at the business licence details on the shop page and the business named on the invoice, or ask the platform for the seller's real name, address and contact details.",
	}
)

// Questions whose answers would sharpen the plan.
var (
	askCulprit = reason{
		ZH: "是谁骗了你：平台上的卖家、买家，平台本身，还是冒充平台的人？",
		EN: "Who cheated you: a seller or buyer on a platform, the platform itself, or someone posing as the platform?",
	}
	askPayment = reason{
		ZH: "钱是怎么付的：平台担保交易、平台外转账、银行卡，还是货到付款？",
		EN: "How did the money go: platform escrow, a transfer outside the platform, a card, or cash on delivery?",
	}
	askPaidOn = reason{
		ZH: "哪天付的钱？刚付不久的钱可能还能止付。",
		EN: "On what day did you pay? Money paid recently may still be stopped.",
	}
	askSellerLocation = reason{
		ZH: "卖家在哪里经营或注册？看店铺页面公示的营业执照信息或发票上的单位。",
		EN: "Where does the seller operate or where is it registered? Look at the licence details on the shop page or the business named on the invoice.",
	}
	askSiteURL = reason{
		ZH: "假网站或App的网址是什么？举报时需要它。",
		EN: "What is the address of the fake site or app? A report needs it.",
	}
)

// What to do to get each kind of evidence the victim lacks.
var gatherTexts = map[shopguard.EvidenceKind]reason{
	shopguard.EvidenceChat: {
		ZH: "聊天记录：截图保存与对方的全部聊天，包括对方的账号页面；不要删除对话，也不要只保存转述。",
		EN: "Chat history: screenshot the whole conversation with the other side, including their profile page; do not delete the chat or keep only a summary.",
	},
	shopguard.EvidencePayment: {
		ZH: "付款记录：在银行或支付App里找到这笔付款，截图或导出交易明细，要能看到对方收款账户和时间。",
		EN: "Payment record: find the payment in your bank or payment app and screenshot or export the details, showing the receiving account and the time.",
	},
	shopguard.EvidenceOrder: {
		ZH: "订单：截图订单详情页，保留订单号。",
		EN: "Order: screenshot the order page and keep the order number.",
	},
	shopguard.EvidenceListing: {
		ZH: "商品或网站页面：在页面被删除前截图，连同网址一起保存。",
		EN: "Listing or site: screenshot the pages, with their address, before they disappear.",
	},
	shopguard.EvidenceInvoice: {
		ZH: "发票或收据：向商家索要，上面写明的经营者名称和地址在投诉、起诉时都用得上。",
		EN: "Invoice or receipt: ask the seller for one; the business name and address on it help when you complain or sue.",
	},
	shopguard.EvidenceDelivery: {
		ZH: "物流记录：截图物流轨迹和签收信息。",
		EN: "Delivery record: screenshot the tracking history and the proof of delivery.",
	},
	shopguard.EvidencePhoto: {
		ZH: "商品照片：拍下收到的商品、包装和快递单，最好拍开箱视频。",
		EN: "Photos of the goods: photograph what you received, its packaging and the shipping label; a video of the unboxing is better still.",
	},
}
