"""Problem texts for the Technical and Shipping teams (data; `catalog.Problem` has the fields).

Lines never contain closing or greeting formulas, the word "record" or the phrase "password is", so
the truth about greetings, closings, disclosures and exposed secrets stays unambiguous.
"""

from __future__ import annotations

TECHNICAL: dict[str, dict[str, tuple[str, ...] | str]] = {
    "device_offline": {
        "products": ("hub", "cam_in", "cam_out", "plug", "thermo"),
        "subjects": ("{product} keeps going offline", "{product} not connecting to wifi"),
        "asks": (
            "My {product} drops offline every few hours and I have to unplug it to get it back.",
            "Since the weekend my {product} shows as offline in the app even though the wifi "
            "works.",
        ),
        "short": ("{product} offline again", "device offline"),
        "clarify": (
            "Is your router on the 2.4 GHz band or a combined network?",
            "Roughly how far is the {product} from the router?",
        ),
        "details": ("It's a combined network, same name for both.", "About two rooms away."),
        "solutions": (
            "The {product} only talks 2.4 GHz, so I've pushed a setting that pins it to that band; "
            "it stays online from now on.",
            "I've sent firmware 3.4.1 to your {product}. It fixes the dropouts on combined "
            "networks, and the device restarts by itself in a minute.",
        ),
        "partials": (
            "Moving the {product} closer or adding a plug as a repeater should steady it; if it "
            "still drops, the unit may need replacing.",
            "I've reset the connection from our side, which helps for now, but engineering is "
            "still working on a permanent fix.",
        ),
        "dead_ends": (
            "Connection problems are down to your home network, so I can't help with that.",
            "Everything looks fine from here, so I can't see what's wrong.",
        ),
        "notes": ("Device log: 14 disconnects in 24h, RSSI -78.", "Known issue ENG-2231."),
        "article": "Fix a device that keeps going offline",
        "tags": ("connectivity",),
    },
    "app_crash": {
        "products": ("cam_in", "cam_out", "bell"),
        "subjects": ("App crashes when I open the camera", "Sparky app keeps crashing"),
        "asks": (
            "The app crashes every time I tap on the {product} live view. Started after the last "
            "update.",
            "Since updating, the Sparky app closes itself as soon as I open it.",
        ),
        "short": ("app crashing", "app closes when I open the {product}"),
        "clarify": (
            "Are you on iPhone or Android, and which app version?",
            "Does it crash for every device or only the {product}?",
        ),
        "details": ("Android, version 4.12.0.", "Only the {product}, the plugs are fine."),
        "solutions": (
            "Version 4.12.1 went out this morning and fixes exactly that crash; once you update "
            "from the store it opens normally.",
            "Clearing the app cache fixes it: Settings > Apps > Sparky > Storage > Clear cache. "
            "Your devices and settings stay put.",
        ),
        "partials": (
            "It's a known bug in the 4.12 release; the web dashboard works meanwhile and the fix "
            "is due next week.",
            "Reinstalling stops the crash on the home screen, but live view on the {product} is "
            "still affected until the next update.",
        ),
        "dead_ends": (
            "We haven't had other reports of that, so it's probably your phone.",
            "I'm not able to troubleshoot app crashes in chat.",
        ),
        "notes": ("Crash reports match ANDROID-882.", "Asked for app logs via the in-app menu."),
        "article": "The app crashes or freezes",
        "tags": ("app",),
    },
    "motion_alerts": {
        "products": ("cam_in", "cam_out", "bell"),
        "subjects": ("Not getting motion alerts", "No notifications from {product}"),
        "asks": (
            "My {product} captures motion clips but I'm not getting any alerts on my phone "
            "anymore.",
            "Notifications from the {product} stopped, which kind of defeats the point of it.",
        ),
        "short": ("no motion alerts", "notifications stopped"),
        "clarify": (
            "Do the clips show up in the timeline even though no alert arrives?",
            "Did this start after you updated your phone?",
        ),
        "details": ("Yes, the clips are there.", "Now that you mention it, yes."),
        "solutions": (
            "Your phone switched off Sparky notifications after the update; turn them on under "
            "Settings > Notifications > Sparky and the alerts come straight back.",
            "Alerts were paused by a schedule in your home settings. I've removed it, so they "
            "start again immediately.",
        ),
        "partials": (
            "I've reset your notification token, which brings back most alerts; people detection "
            "alerts need the next firmware, due this month.",
            "Turning off battery saver for the app helps, though alerts may still arrive late.",
        ),
        "dead_ends": (
            "Notifications are handled by your phone, not us.",
            "Alerts look fine on our side, so there's nothing to fix.",
        ),
        "notes": ("Push token invalid since {day}.", "Schedule 'Night' muting alerts."),
        "article": "Not receiving motion notifications",
        "tags": ("notifications",),
    },
    "firmware_failed": {
        "products": ("hub", "thermo", "cam_out", "bell"),
        "subjects": ("Firmware update stuck", "{product} update failed"),
        "asks": (
            "The {product} has been stuck on 'updating' for two hours and I can't use it.",
            "The firmware update on my {product} failed and now the light just blinks orange.",
        ),
        "short": ("update stuck", "firmware failed on {product}"),
        "clarify": (
            "Did the {product} lose power during the update?",
            "Is the light blinking orange or solid orange?",
        ),
        "details": ("Possibly, we had a short power cut.", "Blinking orange."),
        "solutions": (
            "Hold the button for 10 seconds until it flashes blue; that restarts the update from a "
            "safe copy. I can see it finishing on my side now.",
            "I've re-sent the update package from our side and it installed; the {product} is back "
            "online on the latest version.",
        ),
        "partials": (
            "The recovery mode got it running again on the old firmware; we'll retry the update "
            "overnight and I'll check on it tomorrow.",
            "A factory reset brings it back, but you'll need to set it up again, which I've "
            "emailed the steps for.",
        ),
        "dead_ends": (
            "If the update failed the device is probably faulty, so there's nothing I can do.",
            "I can't access the device remotely, so you'll have to wait and see.",
        ),
        "notes": ("Update 3.4.1 failed at 64% on {day}.", "Unit may need RMA if recovery fails."),
        "article": "A firmware update failed",
        "tags": ("firmware",),
    },
    "pairing_failed": {
        "products": ("plug", "cam_in", "thermo", "bell"),
        "subjects": ("Can't set up my new {product}", "{product} won't pair"),
        "asks": (
            "I just bought a {product} and the app can't find it during setup.",
            "Setup of the {product} fails at the last step every time, error 12.",
        ),
        "short": ("{product} won't pair", "setup error 12"),
        "clarify": (
            "Is Bluetooth switched on for the app?",
            "Is your phone on the same wifi you want the {product} to use?",
        ),
        "details": ("Bluetooth is on.", "Yes, same wifi."),
        "solutions": (
            "The {product} was still linked to the shop's demo account. I've released it, so setup "
            "works now.",
            "Error 12 means the wifi password had a typo at setup; run setup again, re-enter it, "
            "and the {product} pairs.",
        ),
        "partials": (
            "Setting it up from a second phone usually works; meanwhile I've reported the error to "
            "engineering.",
            "It paired, but it needs the hub for schedules, which isn't set up yet.",
        ),
        "dead_ends": (
            "If it doesn't pair it's probably a faulty unit, so return it to the shop.",
            "Setup problems aren't something I can fix remotely.",
        ),
        "notes": ("Serial was bound to a demo account.", "Error 12 = auth failure at join."),
        "article": "Setting up a new device",
        "tags": ("setup",),
    },
}

SHIPPING: dict[str, dict[str, tuple[str, ...] | str]] = {
    "where_is_order": {
        "products": ("hub", "cam_in", "cam_out", "plug", "thermo", "bell"),
        "subjects": ("Where is my order {order}?", "Order {order} hasn't arrived"),
        "asks": (
            "I ordered a {product} on {day} and it still hasn't arrived. Order {order}.",
            "The tracking for my {product} hasn't moved in five days.",
        ),
        "short": ("where's my order {order}", "tracking not moving"),
        "clarify": (
            "Could you share the order number?",
            "Is the delivery address the one ending in SW4 7QT?",
        ),
        "details": ("{order}.", "Yes, that's the right address."),
        "solutions": (
            "The parcel was held at the {courier} depot; I've asked them to release it, and it's "
            "out for delivery tomorrow with tracking {tracking}.",
            "The parcel was lost in transit, so I've sent a replacement by express; it arrives "
            "within two days, tracking {tracking}.",
        ),
        "partials": (
            "I've opened a trace with {courier}; they take up to 48 hours, and if it's lost we "
            "send a replacement.",
            "It's delayed at customs. I've sent them the paperwork, but I can't give you a date "
            "yet.",
        ),
        "dead_ends": (
            "Once it's with {courier} it's out of our hands, so you'll need to contact them.",
            "Tracking says delivered, so there's nothing more we can do.",
        ),
        "notes": (
            "Trace opened with {courier}, ref TR-5521.",
            "Parcel stuck at depot since {day}.",
        ),
        "article": "Track your order",
        "tags": ("delivery",),
    },
    "damaged_item": {
        "products": ("cam_out", "thermo", "bell", "hub"),
        "subjects": ("{product} arrived damaged", "Broken {product} in the box"),
        "asks": (
            "My {product} arrived today with a cracked casing. The box was crushed too.",
            "The {product} I got won't turn on and the screen has a crack across it.",
        ),
        "short": ("{product} arrived broken", "damaged delivery"),
        "clarify": (
            "Could you send a photo of the damage and the box?",
            "Is the damage on the device itself or only the packaging?",
        ),
        "details": ("Photo attached.", "The device itself, the casing is split."),
        "solutions": (
            "I've sent a replacement {product} by express at no cost, and a prepaid label for the "
            "broken one is in your email.",
            "I've refunded the {amount} in full; no need to send the damaged {product} back.",
        ),
        "partials": (
            "A replacement is on order, but that model is back in stock only on {day}, so there's "
            "a short wait.",
            "I've logged the damage claim with {courier}; once they confirm, we send the "
            "replacement.",
        ),
        "dead_ends": (
            "Damage claims have to be made within 24 hours, so I can't replace it.",
            "You'll need to take it up with the courier directly.",
        ),
        "notes": ("Photos attached, box crushed.", "Claim raised with {courier}."),
        "article": "My order arrived damaged",
        "tags": ("damaged", "replacement"),
    },
    "wrong_item": {
        "products": ("plug", "cam_in", "cam_out", "thermo"),
        "subjects": ("Wrong item delivered", "Received the wrong {product}"),
        "asks": (
            "I ordered the {product} but got a completely different device in the box.",
            "Order {order} came with the wrong colour and only one plug instead of four.",
        ),
        "short": ("wrong item", "got the wrong {product}"),
        "clarify": (
            "What does the label on the box say?",
            "Could you send a photo of what arrived?",
        ),
        "details": ("It says Smart Plug, single.", "Photo attached."),
        "solutions": (
            "The warehouse mixed up two orders. The right {product} ships today with tracking "
            "{tracking}, and {courier} collects the wrong one when they deliver.",
            "I've sent the missing plugs today and you can keep the extra one as a sorry from us.",
        ),
        "partials": (
            "The correct {product} is on its way, but the return collection has to be booked "
            "separately, which I've asked the warehouse to do.",
            "The right item is out of stock until {day}; I've reserved one for you.",
        ),
        "dead_ends": (
            "Our system shows the correct item was packed, so I can't send another.",
            "You'd need to return it first before we can look at it.",
        ),
        "notes": ("Pick error at warehouse, batch 44.", "Collection to be booked."),
        "article": "I received the wrong item",
        "tags": ("wrong-item",),
    },
    "change_address": {
        "products": ("hub", "bell", "thermo", "plug"),
        "subjects": ("Change delivery address for {order}", "Wrong address on my order"),
        "asks": (
            "I put my old address on order {order}. Can you change it before it ships?",
            "I'm moving on {day}, can my {product} go to the new flat instead?",
        ),
        "short": ("change address on {order}", "wrong delivery address"),
        "clarify": (
            "What's the new address, including the postcode?",
            "Has it shipped yet, according to your email?",
        ),
        "details": ("14 Rowan Court, Leeds LS6 2AB.", "Not yet, it says processing."),
        "solutions": (
            "Caught it in time: the address on {order} is now the new one and it ships tomorrow.",
            "The {courier} parcel is redirected to the new address and arrives on {day}.",
        ),
        "partials": (
            "It had already shipped, so I've asked {courier} to redirect it; they confirm within a "
            "day.",
            "I've updated the address for future orders, but this one can only be redirected once "
            "it reaches the depot.",
        ),
        "dead_ends": (
            "Addresses can't be changed once an order is placed.",
            "It's already with {courier}, so nothing can be changed.",
        ),
        "notes": ("Redirect requested with {courier}.", "Address updated before pick."),
        "article": "Change your delivery address",
        "tags": ("address",),
    },
    "return_label": {
        "products": ("cam_in", "plug", "hub", "thermo", "bell"),
        "subjects": ("Need a return label", "How do I return my {product}?"),
        "asks": (
            "I'd like to return the {product}, it doesn't fit my door. How do I get a label?",
            "The return portal says my order {order} isn't eligible, but it's only been 10 days.",
        ),
        "short": ("return label", "return portal error"),
        "clarify": ("Is it unopened or has it been set up?", "Which order is it from?"),
        "details": ("It's been set up but works fine.", "Order {order}."),
        "solutions": (
            "The return label is in your email now; drop the parcel at any {courier} point and the "
            "refund follows once it's scanned.",
            "The portal had the wrong delivery date. I've fixed it and emailed you the label for "
            "{order}.",
        ),
        "partials": (
            "I've asked the warehouse to issue the label manually; it comes by email within a day.",
            "Set-up devices go through a quick check, so I've opened the return and the label "
            "follows once it's approved.",
        ),
        "dead_ends": (
            "Set-up devices can't be returned.",
            "The portal decides eligibility and I can't override it.",
        ),
        "notes": ("Delivery date wrong in OMS.", "Manual label requested."),
        "article": "Returning an item",
        "tags": ("returns",),
    },
}
