package setup

import "github.com/mailprofile/mailprofile"

var ja = messages{
	Lang:     "ja",
	LangName: "日本語",
	SwitchTo: "English",

	Title:        "%s のメール設定",
	TitleAsk:     "メール設定",
	AskLabel:     "メールアドレス",
	AskButton:    "設定を表示",
	AskHint:      "入力したアドレスの設定を表示します。iPhone・iPad・Mac 用のプロファイルと、その他のメールソフト用の設定値です。",
	IndexTitle:   "メール設定シート — %s",
	IndexIntro:   "1 人 1 枚です。印刷してお渡しください。シートの QR コードから iPhone に設定できます。",
	IndexAddress: "メールアドレス",
	IndexName:    "お名前",
	ForAddress:   "%s 様",

	WhatHappening: "お知らせ",
	MovingNow:     "メールサーバーを新しいサーバー（%s）へ移行します。",
	KeepOld:       "移行が終わるまで、今お使いのアカウント（%s）は削除しないでください。しばらくはそちらにもメールが届きます。",
	KeepOldUntil:  "%[2]s まで、今お使いのアカウント（%[1]s）は削除しないでください。それまではそちらにもメールが届きます。",
	AddNewNow:     "下記の手順で、今のアカウントはそのままに、新しいアカウントを追加してください。",
	SingleIntro:   "メールアカウント（%s）の設定です。",

	Apple:       "iPhone・iPad・Mac",
	AppleButton: "プロファイルをインストール",
	AppleQR:     "または、iPhone のカメラでこの QR コードを読み取ってください。",
	AppleSteps: []string{
		"このページを Safari で開いて「プロファイルをインストール」をタップするか、QR コードを読み取ります。ダウンロードを「許可」します。",
		"「設定」を開き、上部の「プロファイルがダウンロードされました」をタップします（Mac は「システム設定」→「プライバシーとセキュリティ」→「プロファイル」）。",
		"「インストール」をタップし、パスコードを入力して、もう一度「インストール」。求められたらメールのパスワードを入力します。",
		"「メール」を開くと、今のアカウントの横に新しいアカウントが表示されます。",
	},
	AppleNoLink:    "プロファイル（.mobileconfig ファイル）を受け取り、端末で開いてください。",
	AppleNotSigned: "「未署名」と表示されるのは、プロファイルに署名がないためです。このプロファイルでは想定どおりです。",
	AppleSigned:    "「検証済み」は、端末が信頼する証明書でプロファイルが署名されていることを示します。",
	AppleBrowser:   "Firefox やアプリ内ブラウザではファイルが保存されるだけです。Safari をお使いください。",

	Thunderbird:     "Thunderbird",
	ThunderbirdFile: "Thunderbird 用の設定ファイル（Thunderbird のインストールフォルダーの isp/%s.xml として保存してからアカウントを追加すると、最初にこの設定が使われます）",
	ThunderbirdSteps: []string{
		"メニュー ≡ →「アカウント設定」→「アカウント操作」→「メールアカウントを追加」。",
		"名前・メールアドレス・パスワードを入力し、「手動設定」を選びます。",
		"下の表の値をそのとおりに入力し、「完了」。",
		"送信サーバーは一覧から新しいサーバーを選びます。今のアカウントの送信サーバーは使わないでください。",
	},

	Outlook:       "Outlook",
	OutlookCaveat: "Outlook の自動設定は、Microsoft のサービスを先に参照するため、この設定と違う値になることがあります。値は手入力してください。",
	OutlookClassic: []string{
		"Outlook（クラシック）:「ファイル」→「アカウントの追加」→「詳細オプション」→「自分で自分のアカウントを手動で設定」。",
		"表のとおり IMAP または POP を選び、サーバー・ポート・暗号化を入力します。",
	},
	OutlookNew: []string{
		"新しい Outlook:「設定」→「アカウント」→「アカウントを追加」でアドレスを入力し、IMAP（または POP）を選んで「さらに表示」から値を入力します。",
	},
	OutlookMac: []string{
		"Outlook for Mac:「Outlook」→「設定」→「アカウント」→「+」→「新規アカウント」でアドレスを入力し、IMAP/POP を選んで値を入力します。",
	},

	Other:        "その他のメールソフト",
	OtherIntro:   "次の値をそのとおりに入力してください。パスワードはここには表示しません。",
	Incoming:     "受信サーバー",
	Outgoing:     "送信サーバー（SMTP）",
	Server:       "サーバー名",
	Port:         "ポート",
	Security:     "暗号化",
	Username:     "ユーザー名",
	Password:     "パスワード",
	PasswordText: "メールのパスワード",
	Auth:         "認証",
	AuthNames: map[mailprofile.Auth]string{
		mailprofile.AuthPasswordCleartext: "通常のパスワード",
		mailprofile.AuthPasswordEncrypted: "暗号化されたパスワード（CRAM-MD5）",
		mailprofile.AuthOAuth2:            "OAuth2",
		mailprofile.AuthNone:              "認証なし",
	},
	Protocol: "種類",

	Existing:      "今お使いのアカウント",
	ExistingIntro: "ドメインの切り替え中も今のアカウントで受信できるよう、サーバーをドメイン名ではなく、今のサーバー自身のアドレス（%s）で指定してください。",
	ExistingSteps: []string{
		"iPhone・iPad:「設定」→「アプリ」→「メール」→「メールアカウント」→ 該当アカウント →「アカウント」で、受信メールサーバーと送信メールサーバーの「ホスト名」を変更します。",
		"Mac:「メール」→「設定」→「アカウント」→ 該当アカウント →「サーバ設定」で、両方のホスト名を変更します。",
		"Thunderbird:「アカウント設定」→ 該当アカウント →「サーバー設定」の「サーバー名」、続いて「送信 (SMTP) サーバー」→ 該当サーバー →「編集」。",
		"Outlook（クラシック）:「ファイル」→「アカウント設定」→「サーバーの設定」（または「変更」）で受信・送信サーバーを変更。新しい Outlook・Outlook for Mac は「アカウント」→ 該当アカウント →「管理」。",
		"変更するのはサーバー名だけです。そのほかの設定はそのままにします。",
	},
	IPWarning: "%s は IP アドレスのため、証明書が一致しないという警告が表示されることがあります。このアカウントに限り、許可して続けてください。",

	After:     "移行が終わったら",
	AfterText: "%s を過ぎたら、今のアカウントを削除してください（iPhone・Mac では「設定」→「一般」→「VPN とデバイス管理」からプロファイルを削除）。メールは新しいアカウントに残ります。",
	NoDate:    "移行完了のご連絡",

	Footer: "%s — メール設定。mailprofile で作成。",
}
