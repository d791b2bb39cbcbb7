package seed

// The vocabulary generated accounts are made of: places, companies, people,
// and what they say. Everything here is data; generate.go chooses from it.

// locale is where a customer is: its time zone, language, currency and the
// cities its visitors come from.
type locale struct {
	tz, lang, currency, country string
	cities                      []string
}

var locales = []locale{
	{"Asia/Tokyo", "ja", "JPY", "JP", []string{"Tokyo", "Osaka", "Sapporo", "Fukuoka"}},
	{"Europe/Paris", "fr", "EUR", "FR", []string{"Paris", "Lyon", "Marseille"}},
	{"Europe/Berlin", "de", "EUR", "DE", []string{"Berlin", "München", "Köln"}},
	{"Europe/Madrid", "es", "EUR", "ES", []string{"Madrid", "Barcelona", "Sevilla"}},
	{"America/Sao_Paulo", "pt", "BRL", "BR", []string{"São Paulo", "Rio de Janeiro", "Curitiba"}},
	{"America/New_York", "en", "USD", "US", []string{"New York", "Boston", "Philadelphia"}},
	{"America/Los_Angeles", "en", "USD", "US", []string{"San Francisco", "Los Angeles", "Seattle"}},
	{"America/Chicago", "en", "USD", "US", []string{"Chicago", "Austin", "Denver"}},
	{"America/Toronto", "en", "CAD", "CA", []string{"Toronto", "Montréal", "Ottawa"}},
	{"Europe/London", "en", "GBP", "GB", []string{"London", "Manchester", "Edinburgh"}},
	{"Australia/Sydney", "en", "AUD", "AU", []string{"Sydney", "Melbourne", "Brisbane"}},
	{"Asia/Singapore", "en", "USD", "SG", []string{"Singapore"}},
	{"Asia/Kolkata", "en", "USD", "IN", []string{"Bengaluru", "Mumbai", "Delhi"}},
}

// company is a customer's name, the ASCII slug its subdomain and email
// domain are made from, and the index of its locale.
type company struct {
	name, slug string
	locale     int
}

// Company names by style, so that the fleet mixes Japanese, accented Latin
// and emoji names (index % 3).
var companies = [3][]company{
	{
		{"東京スイーツ株式会社", "tokyo-sweets", 0}, {"さくら不動産", "sakura-fudosan", 0},
		{"株式会社ミライ商事", "mirai-shoji", 0}, {"北海道ファーム", "hokkaido-farm", 0},
	},
	{
		{"Café Lumière", "cafe-lumiere", 1}, {"Crème & Brûlée SARL", "creme-brulee", 1},
		{"Müller Gartenbau GmbH", "mueller-gartenbau", 2}, {"Señor Taco", "senor-taco", 3},
		{"São Jorge Viagens", "sao-jorge-viagens", 4}, {"Château Réservé", "chateau-reserve", 1},
	},
	{
		{"Rocket 🚀 Supplies", "rocket-supplies", 5}, {"Happy Paws 🐾", "happy-paws", 10},
		{"Acme Widgets ⚙️", "acme-widgets", 6}, {"Northwind ☕ Traders", "northwind-traders", 9},
		{"Maple Leaf Outfitters 🍁", "maple-leaf", 8}, {"Lion City Labs 🦁", "lion-city-labs", 11},
		{"Chai & Code 🍵", "chai-and-code", 12}, {"Prairie Books 📚", "prairie-books", 7},
	},
}

// personName is a person as shown (possibly in Japanese or with accents) and
// as spelled in an email address.
type personName struct {
	first, last, mailFirst, mailLast string
	familyFirst                      bool // shown family name first (山田 太郎)
}

var people = []personName{
	{"太郎", "山田", "taro", "yamada", true}, {"花子", "佐藤", "hanako", "sato", true},
	{"健", "鈴木", "ken", "suzuki", true}, {"さくら", "高橋", "sakura", "takahashi", true},
	{"翔太", "伊藤", "shota", "ito", true}, {"美咲", "渡辺", "misaki", "watanabe", true},
	{"José", "Álvarez", "jose", "alvarez", false}, {"Zoë", "Dubois", "zoe", "dubois", false},
	{"François", "Lefèvre", "francois", "lefevre", false}, {"Jürgen", "Müller", "juergen", "mueller", false},
	{"Inês", "Gonçalves", "ines", "goncalves", false}, {"Björn", "Ångström", "bjorn", "angstrom", false},
	{"Chloé", "Martin", "chloe", "martin", false}, {"Søren", "Nørgaard", "soren", "norgaard", false},
	{"Łukasz", "Wiśniewski", "lukasz", "wisniewski", false}, {"Renée", "Beaumont", "renee", "beaumont", false},
	{"Núria", "Puig", "nuria", "puig", false}, {"Diego", "Fernández", "diego", "fernandez", false},
	{"Ann", "Lee", "ann", "lee", false}, {"Priya", "Sharma", "priya", "sharma", false},
	{"Marcus", "Johnson", "marcus", "johnson", false}, {"Emily", "Chen", "emily", "chen", false},
	{"Kwame", "Mensah", "kwame", "mensah", false}, {"Olivia", "Brown", "olivia", "brown", false},
	{"Liam", "O'Brien", "liam", "obrien", false}, {"Mia", "Rossi", "mia", "rossi", false},
	{"Noah", "Williams", "noah", "williams", false}, {"Aisha", "Khan", "aisha", "khan", false},
	{"Hannah", "Schmidt", "hannah", "schmidt", false}, {"Wei", "Zhang", "wei", "zhang", false},
	{"Fatima", "Zahra", "fatima", "zahra", false}, {"Lucas", "Silva", "lucas", "silva", false},
	{"Grace", "Kim", "grace", "kim", false}, {"Oliver", "Smith", "oliver", "smith", false},
	{"Camille", "Bernard", "camille", "bernard", false}, {"Mateo", "García", "mateo", "garcia", false},
}

// Emoji some people add to their display names.
var nameEmoji = []string{"🌸", "🚀", "☕", "🎧", "✨", "🐙"}

// Mail domains of visitors and end users.
var publicMailDomains = []string{"mail.example", "post.example", "inbox.example", "webmail.example"}

var visitorLines = map[string][]string{
	"en": {"Hi, I have a question about my order.", "Is this available in blue?", "How long does shipping take?",
		"I was charged twice 😕", "Can I change my delivery address?", "Do you ship to Canada?", "Thanks, that helps!"},
	"ja": {"こんにちは、注文について質問があります。", "配送にはどのくらいかかりますか？", "返品はできますか？",
		"ありがとうございます！", "ポイントはいつ付与されますか？", "サイズ交換をお願いしたいです。"},
	"fr": {"Bonjour, j'ai une question sur ma commande.", "Est-ce disponible en bleu ?", "Quel est le délai de livraison ?",
		"Merci beaucoup !", "Puis-je modifier mon adresse ?"},
	"es": {"Hola, tengo una pregunta sobre mi pedido.", "¿Cuánto tarda el envío?", "¿Puedo cambiar la dirección?",
		"¡Muchas gracias!", "Me cobraron dos veces."},
}

var agentLines = map[string][]string{
	"en": {"Hello! How can I help you today?", "Let me check that for you.", "Could you share your order number?",
		"I've issued a refund; it takes 3–5 business days.", "Anything else I can help with?", "You're welcome! 😊"},
	"ja": {"お問い合わせありがとうございます。", "確認いたしますので少々お待ちください。", "ご注文番号を教えていただけますか？",
		"返金手続きが完了しました。", "他にご不明な点はございますか？"},
	"fr": {"Bonjour ! Comment puis-je vous aider ?", "Je vérifie cela pour vous.", "Pouvez-vous me donner votre numéro de commande ?",
		"Le remboursement est en cours.", "Avec plaisir !"},
	"es": {"¡Hola! ¿En qué puedo ayudarle?", "Lo compruebo enseguida.", "¿Me indica su número de pedido?",
		"El reembolso ya está en proceso.", "¡De nada!"},
}

var ratingComments = []string{"Very helpful, thank you!", "Took too long to get an answer.", "とても丁寧な対応でした。",
	"Parfait, merci 👍", "Problem not solved.", "Excelente atención."}

var chatTags = []string{"billing", "refund", "shipping", "vip", "bug", "pricing", "returns", "返品", "feature_request"}

// browser is a visitor's browser, its platform and the user agent it sends.
type browser struct{ name, platform, userAgent string }

var browsers = []browser{
	{"Chrome", "Windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"},
	{"Safari", "Mac OS", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"},
	{"Firefox", "Linux", "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"},
	{"Mobile Safari", "iOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"},
	{"Chrome Mobile", "Android", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"},
	{"Edge", "Windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0"},
}

var departmentNames = map[string][]string{
	"en": {"Sales", "Customer Support", "Billing", "Returns"},
	"ja": {"営業部", "カスタマーサポート", "請求窓口", "返品センター"},
	"fr": {"Ventes", "Service client", "Facturation", "Retours"},
	"es": {"Ventas", "Soporte técnico", "Facturación", "Devoluciones"},
}

var skillNames = []string{"English", "日本語", "Français", "Español", "Billing", "Technical", "VIP"}

// integration is a third-party integration of the legacy chat product.
type integration struct{ kind, name string }

var integrations = []integration{{"salesforce", "Salesforce"}, {"slack", "Slack"}, {"mailchimp", "Mailchimp"},
	{"hubspot", "HubSpot"}, {"google_analytics", "Google Analytics"}, {"shopify", "Shopify"}}

// marketplaceApp is a public app of the support platform's marketplace.
type marketplaceApp struct {
	id       int64
	name     string
	products []string
}

var marketplaceApps = []marketplaceApp{
	{101, "Slack", []string{"support", "chat"}}, {102, "Jira", []string{"support"}},
	{103, "Shopify", []string{"support", "chat"}}, {104, "Time Tracking", []string{"support"}},
	{105, "Chat Transcript Export", []string{"chat"}}, {106, "Mailchimp", []string{"support"}},
}

var privateAppNames = []string{"Order lookup", "在庫確認", "CRM sidebar", "Réservations"}

var ticketSubjects = []string{"Where is my order?", "Refund request", "ログインできません", "Facture incorrecte",
	"Cambio de talla", "Damaged item on arrival", "Question about my subscription"}
