"""Problem texts for the Billing and Accounts teams (data only; `catalog.Problem` has the fields).

Lines never contain closing or greeting formulas, the word "record" or the phrase "password is", so
the truth about greetings, closings, disclosures and exposed secrets stays unambiguous.
"""

from __future__ import annotations

BILLING: dict[str, dict[str, tuple[str, ...] | str]] = {
    "double_charge": {
        "products": ("plus", "hub", "cam_in", "bell"),
        "subjects": ("Charged twice for {product}", "Duplicate payment on my card"),
        "asks": (
            "I was charged {amount} twice for {product} on {day}. Can you refund the extra one?",
            "My bank statement shows two payments of {amount} for order {order}. I only ordered "
            "once.",
        ),
        "short": ("charged twice for {product}", "double payment on {order}"),
        "clarify": (
            "Could you confirm the last four digits of the card that was charged?",
            "Which email address is the order under?",
        ),
        "details": ("It's the card ending {last4}.", "It's under {email}, card ending {last4}."),
        "solutions": (
            "I found the duplicate {amount} payment and refunded it just now; it lands back on the "
            "card ending {last4} within 3–5 working days.",
            "The second charge was a duplicate authorisation. I've voided it, so it drops off your "
            "statement in a few days.",
        ),
        "partials": (
            "I've raised a refund request for the extra {amount}; finance has to approve it, which "
            "usually takes a couple of days.",
            "The second payment is still pending with your bank, so I can't reverse it yet. If "
            "it's still there on {day}, reply here and I'll escalate it.",
        ),
        "dead_ends": (
            "Our system only shows one payment, so there's nothing I can refund from here.",
            "I can't see a second charge on our side, so you'd need to take it up with your bank.",
        ),
        "notes": (
            "Checked payments: two auths of {amount}, second one not captured.",
            "Refund ticket raised with finance for {order}.",
        ),
        "article": "Why do I see two charges?",
        "tags": ("refund",),
    },
    "refund_status": {
        "products": ("hub", "cam_out", "plug", "thermo"),
        "subjects": ("Where is my refund?", "Refund for {order} not received"),
        "asks": (
            "I returned my {product} two weeks ago and still haven't got my refund of {amount}.",
            "You said the refund for order {order} was processed but nothing has arrived.",
        ),
        "short": ("refund not received", "where's my refund for {order}"),
        "clarify": (
            "Do you have the order number handy?",
            "Did you send the return with our prepaid label?",
        ),
        "details": (
            "Order {order}, sent back with the label you emailed.",
            "Yes, the prepaid one. Order {order}.",
        ),
        "solutions": (
            "The warehouse logged your return on {day} and I've now released the {amount} refund; "
            "it shows on the card ending {last4} in 3–5 working days.",
            "Your refund was stuck waiting for a manual check. I've pushed it through, so "
            "{amount} is on its way back to you.",
        ),
        "partials": (
            "The parcel is still in transit to the warehouse, so the refund starts as soon as it's "
            "scanned in. I've flagged it to be prioritised.",
            "I've asked the returns team to check the parcel; they come back within 48 hours and "
            "the refund goes out right after.",
        ),
        "dead_ends": (
            "Returns can take up to 30 days to process, so there's nothing to do except wait.",
            "I can't see a return logged against that order, so I'm unable to refund it.",
        ),
        "notes": (
            "Return scanned at warehouse on {day}; refund held for QC.",
            "Customer chasing refund, second contact.",
        ),
        "article": "Refund timelines explained",
        "tags": ("refund", "returns"),
    },
    "invoice_request": {
        "products": ("plus", "hub", "thermo"),
        "subjects": ("Need a VAT invoice for {order}", "Invoice with company details"),
        "asks": (
            "Can I get a proper invoice for order {order} with my company name on it? Our "
            "accountant needs it.",
            "I need an invoice for my {plan} subscription covering the last three months.",
        ),
        "short": ("invoice for {order}", "need an invoice"),
        "clarify": (
            "Which company name and VAT number should appear on it?",
            "Should it cover every month or only the latest payment?",
        ),
        "details": (
            "Brightside Studio Ltd, VAT number GB482193755.",
            "Every month please, the accountant wants all of them.",
        ),
        "solutions": (
            "I've generated the invoice with your company details and emailed it to {email}; it's "
            "also under Billing > Invoices in the app.",
            "Done, the invoices for the last three months are now in your account under Billing > "
            "Invoices, and copies went to {email}.",
        ),
        "partials": (
            "I can send the standard receipt now; the invoice with your VAT number has to come "
            "from finance, and I've asked them to send it.",
            "Two of the three invoices are in your account now. The oldest one needs finance to "
            "reissue it, which I've requested.",
        ),
        "dead_ends": (
            "We don't issue invoices with company details, so the receipt is all there is.",
            "Invoices older than 30 days can't be produced from our side.",
        ),
        "notes": ("Finance ticket opened for VAT invoice.", "Business customer, three devices."),
        "article": "Downloading invoices and receipts",
        "tags": ("invoice",),
    },
    "cancel_subscription": {
        "products": ("plus",),
        "subjects": ("Cancel my {plan} subscription", "Stop renewing my subscription"),
        "asks": (
            "I want to cancel {plan} before it renews on {day}. I can't find the option anywhere.",
            "Please cancel my subscription, I don't use the cloud clips any more.",
        ),
        "short": ("cancel subscription", "cancel {plan} before renewal"),
        "clarify": (
            "Is the subscription under {email}?",
            "Did you sign up in our app or through the App Store?",
        ),
        "details": ("Yes, {email}.", "In the app on my phone, I think."),
        "solutions": (
            "I've cancelled {plan}; you keep access until the end of the billing period and won't "
            "be charged again.",
            "All cancelled: no renewal on {day}, and a confirmation is on its way to {email}.",
        ),
        "partials": (
            "Because you subscribed through the App Store, the cancellation has to happen in your "
            "Apple settings. I've emailed you the steps.",
            "I've switched off auto-renew, but the refund for this month needs a supervisor's "
            "approval, which I've requested.",
        ),
        "dead_ends": (
            "Subscriptions can't be cancelled mid-term, so you'll be charged until the contract "
            "ends.",
            "I can't cancel it from here; only the account owner can do that.",
        ),
        "notes": (
            "Offered two months at half price, declined.",
            "Cancellation reason: not using cloud clips.",
        ),
        "article": "How to cancel Sparky Plus",
        "tags": ("cancellation",),
    },
    "card_declined": {
        "products": ("plus", "cam_out", "bell"),
        "subjects": ("Payment keeps getting declined", "Can't update my card"),
        "asks": (
            "Every time I try to pay for {product} my card gets declined, but it works everywhere "
            "else.",
            "The app won't let me change my payment card, it just spins forever.",
        ),
        "short": ("card declined", "can't change my card"),
        "clarify": (
            "What message do you see when the payment fails?",
            "Are you on the latest version of the app?",
        ),
        "details": ("It says payment could not be authorised.", "Yes, updated it this morning."),
        "solutions": (
            "Your bank flagged our payment as unusual. I've reset the payment attempt, so if you "
            "try again now it goes through.",
            "There was an expired card stuck on your profile; I've removed it, and you can add the "
            "new one under Billing > Payment methods.",
        ),
        "partials": (
            "The block is on your bank's side. I've cleared our retry limit, but you'll need to "
            "approve the payment in your banking app.",
            "I've logged the spinning screen as a bug; until it's fixed you can pay from the "
            "website instead.",
        ),
        "dead_ends": (
            "Declines come from your bank, so there's nothing we can do here.",
            "I can't see any error on our side, so I'm not sure what to suggest.",
        ),
        "notes": (
            "Gateway shows 'do not honour' from the issuer.",
            "App 4.12 card form bug, linked to the known issue.",
        ),
        "article": "Why was my payment declined?",
        "tags": ("payments",),
    },
}

ACCOUNTS: dict[str, dict[str, tuple[str, ...] | str]] = {
    "login_locked": {
        "products": ("hub", "cam_in", "plus"),
        "subjects": ("Locked out of my account", "Can't log in to the app"),
        "asks": (
            "I tried to log in a few times with the wrong details and now my account is locked.",
            "The app keeps saying my login details are wrong, and the reset email never arrives.",
        ),
        "short": ("account locked", "can't log in"),
        "clarify": (
            "Which email address do you use to sign in?",
            "Have you checked the spam folder for the reset email?",
        ),
        "details": ("It's {email}.", "Checked spam, nothing there. It's {email}."),
        "solutions": (
            "I've unlocked the account and sent a fresh reset link to {email}; it's valid for an "
            "hour.",
            "Your address had a typo on our side. I've corrected it to {email} and the reset link "
            "should be in your inbox now.",
        ),
        "partials": (
            "The lock lifts by itself after 30 minutes; I can't skip that, but a reset link will "
            "be waiting for you at {email}.",
            "I've sent the reset link again. If it still doesn't show up, our email team will look "
            "into your domain.",
        ),
        "dead_ends": (
            "For security reasons we can't unlock accounts over chat.",
            "There's no account under that email, so I can't help with the login.",
        ),
        "notes": ("Five failed attempts from a new device.", "Reset emails bouncing: soft bounce."),
        "article": "I can't sign in",
        "tags": ("login",),
    },
    "lost_2fa": {
        "products": ("plus", "cam_out", "bell"),
        "subjects": ("Lost the phone with my 2FA app", "Two-factor code not arriving"),
        "asks": (
            "My phone was stolen and the authenticator app was on it, so I can't get into my "
            "account.",
            "The two-factor text message never arrives, so I'm stuck at the code screen.",
        ),
        "short": ("lost 2FA phone", "no 2FA code"),
        "clarify": (
            "Do you still have the backup codes you saved when you set up two-factor?",
            "Is the phone number ending in the same digits as before?",
        ),
        "details": ("No backup codes, sorry.", "Same number, nothing has changed."),
        "solutions": (
            "I've verified you through your last order and removed two-factor, so you can sign in "
            "and set it up again on the new phone.",
            "Your carrier was blocking short codes. I've switched your codes to voice calls, and "
            "the next one comes through straight away.",
        ),
        "partials": (
            "I've started the identity check; once you reply to the email at {email} with a photo "
            "ID, the team removes two-factor within a day.",
            "I've resent the code by email instead, but the texts themselves need our SMS "
            "provider to investigate.",
        ),
        "dead_ends": (
            "Without backup codes I'm unable to remove two-factor.",
            "Text delivery depends on your carrier, so there's nothing I can change.",
        ),
        "notes": ("ID check requested via email.", "SMS provider shows 'blocked by carrier'."),
        "article": "Lost access to two-factor authentication",
        "tags": ("2fa", "security"),
    },
    "change_email": {
        "products": ("hub", "plus", "thermo"),
        "subjects": ("Change my account email", "Update the email on my login"),
        "asks": (
            "I'm moving away from my old email provider. How do I change the email on my account "
            "to {email}?",
            "My work email is on the account and I'm leaving the company, can you switch it?",
        ),
        "short": ("change account email", "update login email"),
        "clarify": (
            "What's the new address you'd like to use?",
            "Can you confirm the postcode on the account so I know it's you?",
        ),
        "details": ("The new one is {email}.", "Postcode is SW4 7QT, new address {email}."),
        "solutions": (
            "I've changed the login to {email}; a confirmation link is waiting there, and once you "
            "click it you're all set.",
            "Done, {email} is now the address on the account, and your devices stay linked.",
        ),
        "partials": (
            "I've started the change, but the old address has to approve it first; if you can't "
            "reach it, an ID check is the next step.",
            "The new address is saved, but your {plan} receipts keep going to the old one until "
            "the next billing cycle.",
        ),
        "dead_ends": (
            "Email addresses can't be changed once an account is created.",
            "I can't verify it's you, so I'm not able to make the change.",
        ),
        "notes": ("Identity verified with postcode and last order.", "Old address still active."),
        "article": "Change the email on your account",
        "tags": ("profile",),
    },
    "delete_account": {
        "products": ("hub", "cam_in", "plus"),
        "subjects": ("Delete my account and data", "Data deletion request"),
        "asks": (
            "I'd like my account and all my camera footage deleted, under GDPR please.",
            "I've sold my devices, please close my account and erase my data.",
        ),
        "short": ("delete my account", "erase my data"),
        "clarify": (
            "Is the account under {email}?",
            "Have you removed the devices from your home first, so the new owner can set them up?",
        ),
        "details": ("Yes, {email}.", "Yes, they're removed."),
        "solutions": (
            "I've started the deletion; everything, footage included, is erased within 30 days and "
            "you'll get a confirmation at {email}.",
            "Your account is closed and the data deletion is queued; the confirmation goes to "
            "{email} once it completes.",
        ),
        "partials": (
            "The deletion is requested, but your {plan} subscription has to end first, which "
            "happens on {day}.",
            "I've passed the request to our privacy team, who handle the footage deletion within a "
            "week.",
        ),
        "dead_ends": (
            "We keep account data for legal reasons, so I can't delete it.",
            "Deletion has to be requested from the app; I can't do it here.",
        ),
        "notes": ("GDPR request logged, DPO copied.", "Subscription active until {day}."),
        "article": "Deleting your account",
        "tags": ("privacy", "gdpr"),
    },
    "shared_access": {
        "products": ("cam_in", "cam_out", "bell", "hub"),
        "subjects": ("Give my partner access to the cameras", "Share my home with family"),
        "asks": (
            "How can my partner see the {product} on her phone without using my login?",
            "I invited my dad to the home but he never got the invite.",
        ),
        "short": ("share access", "invite not received"),
        "clarify": (
            "Does your partner already have a Sparky account?",
            "Which email did you send the invite to?",
        ),
        "details": ("Not yet, she'd need to make one.", "To {email}."),
        "solutions": (
            "Go to Home > Members > Invite and enter their email; they accept it in the app and "
            "see every device. I've resent the invite to {email} as well.",
            "The invite had expired; I've sent a new one to {email} that's valid for seven days.",
        ),
        "partials": (
            "I've resent the invite, but sharing single devices isn't possible yet; members see "
            "the whole home.",
            "The invite is on its way, but Family sharing needs {plan}, so they'll only see live "
            "view until you upgrade.",
        ),
        "dead_ends": (
            "Each home can only have one login, so sharing isn't possible.",
            "I can't see any invites from your account, so I'm not sure what went wrong.",
        ),
        "notes": ("Invite token expired.", "Customer on the basic plan, no member sharing."),
        "article": "Share your home with others",
        "tags": ("sharing",),
    },
}
